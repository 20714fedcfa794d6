package io.github.iothubquickstart.device;

import io.github.iothubquickstart.localhub.digitaltwins.ModelIds;
import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.ConnectionSettingsResolver;
import io.github.iothubquickstart.common.DeviceConnectionSettings;
import io.github.iothubquickstart.common.SetTelemetryInterval;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The simulated device's command line: options, validation, then hand-over to a {@link DeviceLauncher}. */
@Command(
        name = "simulated-device",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Sends simulated temperature and humidity telemetry to an IoT hub and answers the "
                    + "SetTelemetryInterval direct method.",
            "Stop it with ENTER or Ctrl+C."
        },
        footerHeading = "%n",
        footer = {
            "Connection string: --connection-string, else the environment variable "
                    + ConnectionSettingsResolver.DEVICE_VARIABLE + ", else the local hub.",
            "Provisioning: with --provision, or when " + ProvisioningRequests.ID_SCOPE_VARIABLE + ", "
                    + ProvisioningRequests.REGISTRATION_ID_VARIABLE + " and " + ProvisioningRequests.SYMMETRIC_KEY_VARIABLE
                    + " are set (" + ProvisioningRequests.HOST_VARIABLE + " defaults to "
                    + ProvisioningRequests.GLOBAL_ENDPOINT + "), the device registers through the Device Provisioning "
                    + "Service first and connects to the hub it assigns. --provision alone enrolls it on the local hub.",
            "Certificate: with a connection string ending x509=true, --x509-cert and --x509-key (PEM) log the device "
                    + "in with its certificate.",
            "SetTelemetryInterval takes a JSON number of seconds from " + SetTelemetryInterval.MIN_SECONDS
                    + " to " + SetTelemetryInterval.MAX_SECONDS + " (e.g. 10, or \"10\").",
            "Exit status: 0 stopped normally, 1 could not connect, was not provisioned or failed, 2 bad option, "
                    + "connection string, provisioning value or certificate file."
        })
public final class DeviceCommand implements Callable<Integer> {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_BAD_INPUT = 2;

    @Option(names = "--interval", paramLabel = "SECONDS",
            description = "Seconds between messages, " + SetTelemetryInterval.MIN_SECONDS + " to "
                    + SetTelemetryInterval.MAX_SECONDS + " (default: ${DEFAULT-VALUE}).")
    int intervalSeconds = SetTelemetryInterval.DEFAULT_SECONDS;

    @Option(names = "--count", paramLabel = "N",
            description = "Stop after N messages (default: run until stopped).")
    Long count;

    @Option(names = "--connection-string", paramLabel = "STRING",
            description = "Device connection string (HostName=...;DeviceId=...;SharedAccessKey=...). "
                    + "Default: the environment variable " + ConnectionSettingsResolver.DEVICE_VARIABLE + ".")
    String connectionString;

    @Option(names = "--protocol", paramLabel = "PROTOCOL",
            description = "Transport: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Protocol protocol = Protocol.MQTT;

    @Option(names = "--provision",
            description = "Register through a Device Provisioning Service first (symmetric key enrollment); alone, "
                    + "on the local hub with an enrollment created there.")
    boolean provision;

    @Option(names = "--id-scope", paramLabel = "SCOPE",
            description = "The provisioning service's ID scope (default: " + ProvisioningRequests.ID_SCOPE_VARIABLE
                    + ").")
    String idScope;

    @Option(names = "--registration-id", paramLabel = "ID",
            description = "The enrollment's registration ID (default: " + ProvisioningRequests.REGISTRATION_ID_VARIABLE
                    + ").")
    String registrationId;

    @Option(names = "--symmetric-key", paramLabel = "KEY",
            description = "The enrollment's primary key, or for a group the key derived for this registration ID "
                    + "(default: " + ProvisioningRequests.SYMMETRIC_KEY_VARIABLE + ").")
    String symmetricKey;

    @Option(names = "--provisioning-host", paramLabel = "HOST",
            description = "The provisioning service's global endpoint (default: " + ProvisioningRequests.HOST_VARIABLE
                    + ", else " + ProvisioningRequests.GLOBAL_ENDPOINT + ").")
    String provisioningHost;

    @Option(names = "--x509-cert", paramLabel = "FILE",
            description = "The device's certificate (PEM; may hold its chain, device certificate first), for a "
                    + "connection string ending x509=true.")
    Path x509Certificate;

    @Option(names = "--x509-key", paramLabel = "FILE", description = "The certificate's private key (PEM).")
    Path x509Key;

    @Option(names = "--model-id", paramLabel = "DTMI",
            description = "Announce this IoT Plug and Play model id when connecting (e.g. "
                    + "dtmi:com:example:Thermostat;1); the hub shows it as the twin's modelId.")
    String modelId;

    @Option(names = "--upload", paramLabel = "FILE",
            description = "Upload FILE to the hub's storage (IoT Hub file upload) instead of sending telemetry, "
                    + "print the blob's URI and stop.")
    Path upload;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    private final ConnectionSettingsResolver<DeviceConnectionSettings> resolver;
    private final ProvisioningRequests provisioningRequests;
    private final DeviceProvisioner provisioner;
    private final DeviceLauncher launcher;
    private final PrintStream err;

    DeviceCommand(ConnectionSettingsResolver<DeviceConnectionSettings> resolver,
                  ProvisioningRequests provisioningRequests, DeviceProvisioner provisioner, DeviceLauncher launcher,
                  PrintStream err) {
        this.resolver = resolver;
        this.provisioningRequests = provisioningRequests;
        this.provisioner = provisioner;
        this.launcher = launcher;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (!SetTelemetryInterval.inRange(intervalSeconds)) {
            throw new ParameterException(spec.commandLine(), "--interval must be from "
                    + SetTelemetryInterval.rangeDescription() + ", got " + intervalSeconds);
        }
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1, got " + count);
        }
        if (modelId != null && !ModelIds.isValid(modelId)) {
            throw new ParameterException(spec.commandLine(), "--model-id: " + ModelIds.describeInvalid(modelId));
        }
        if (modelId != null && !protocol.offersMethodsAndTwin()) {
            throw new ParameterException(spec.commandLine(), "--model-id needs MQTT, MQTT_WS, AMQPS or AMQPS_WS: a "
                    + "device announces no model over " + protocol);
        }
        if (upload != null && !Files.isRegularFile(upload)) {
            throw new ParameterException(spec.commandLine(), "--upload needs a file to read: " + upload
                    + " is none");
        }
        if ((x509Certificate == null) != (x509Key == null)) {
            throw new ParameterException(spec.commandLine(), x509Certificate == null
                    ? "--x509-key needs --x509-cert (the certificate it belongs to)"
                    : "--x509-cert needs --x509-key (the certificate's private key)");
        }
        DeviceConnectionSettings settings;
        try {
            Optional<ProvisioningSettings> provisioning = provisioningRequests.resolve(new ProvisioningOptions(
                    provision, idScope, registrationId, symmetricKey, provisioningHost), connectionString);
            if (provisioning.isPresent() && x509Certificate != null) {
                throw new ConfigurationException("--x509-cert is for a connection string ending x509=true: the "
                        + "simulated device provisions with a symmetric key only");
            }
            if (provisioning.isEmpty() && x509Certificate != null && resolver.fallsBackToLocalHub(connectionString)) {
                throw new ConfigurationException("--x509-cert needs a connection string ending x509=true "
                        + "(--connection-string or " + ConnectionSettingsResolver.DEVICE_VARIABLE + "), e.g. from "
                        + "'local-hub connection-string --device ID' for a device created with --auth x509-self-signed");
            }
            if (provisioning.isPresent()) {
                Optional<DeviceConnectionSettings> assigned = provisioner.provision(provisioning.get(), protocol);
                if (assigned.isEmpty()) {
                    return EXIT_OK; // stopped while registering
                }
                settings = assigned.get();
            } else {
                settings = withCertificate(resolver.resolve(connectionString));
            }
        } catch (ConfigurationException e) {
            err.println("error: " + e.getMessage());
            return EXIT_BAD_INPUT;
        } catch (DeviceProvisioner.ProvisioningFailure e) {
            err.println("error: " + e.getMessage());
            return EXIT_FAILURE;
        }
        return launcher.launch(new DeviceConfig(settings, protocol, Duration.ofSeconds(intervalSeconds),
                count == null ? 0 : count, modelId, upload));
    }

    /** An {@code x509=true} connection string and the certificate options come together, or not at all. */
    private DeviceConnectionSettings withCertificate(DeviceConnectionSettings settings) throws ConfigurationException {
        boolean x509 = settings.connectionString().x509();
        if (x509 && x509Certificate == null) {
            throw new ConfigurationException("the connection string ends x509=true: give the device's certificate "
                    + "with --x509-cert FILE --x509-key FILE");
        }
        if (!x509 && x509Certificate != null) {
            throw new ConfigurationException("--x509-cert needs a connection string ending x509=true (this one "
                    + "has a SharedAccessKey): HostName=<hub>;DeviceId=<device>;x509=true");
        }
        if (x509 && protocol == Protocol.AMQPS_WS) {
            // AmqpsIotHubConnection opens its WebSocket with iothub-no-client-cert=true whatever the authentication.
            throw new ConfigurationException("the Java device SDK presents no certificate over AMQPS_WS (it tells the "
                    + "hub it has none): use --protocol MQTT, MQTT_WS, AMQPS or HTTPS for a certificate device");
        }
        return x509 ? settings.withClientCertificate(ClientCertificateFiles.load(x509Certificate, x509Key)) : settings;
    }
}
