package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.ConnectionSettingsResolver;
import io.github.iothubquickstart.common.DeviceConnectionSettings;
import io.github.iothubquickstart.common.DeviceConnectionString;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The device's command line with its network parts faked: the local hub refuses (or enrolls, when told to), the
 * provisioning service assigns what it is told to, the launcher records the run it was given.
 */
final class CommandHarness {
    static final String KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seQ==";

    final Map<String, String> environment = new HashMap<>();
    final AtomicReference<DeviceConfig> launched = new AtomicReference<>();
    final AtomicReference<ProvisioningSettings> provisioned = new AtomicReference<>();
    final AtomicReference<Protocol> provisionedOver = new AtomicReference<>();
    /** What the local hub's enrollment gives {@code --provision} alone; null: there is no local hub. */
    ProvisioningSettings localEnrollment;
    /** Thrown by the fake provisioning service instead of assigning; null: it assigns. */
    DeviceProvisioner.ProvisioningFailure provisioningFailure;

    private final ByteArrayOutputStream outBuffer = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBuffer = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBuffer, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBuffer, true, StandardCharsets.UTF_8);

    int run(String... args) {
        ConnectionSettingsResolver<DeviceConnectionSettings> resolver = ConnectionSettingsResolver.forDevice(
                environment::get, () -> {
                    throw new ConfigurationException("no local hub in this test");
                });
        ProvisioningRequests requests = new ProvisioningRequests(environment::get, () -> {
            if (localEnrollment == null) {
                throw new ConfigurationException("no local hub to enroll on in this test");
            }
            return localEnrollment;
        });
        DeviceCommand command = new DeviceCommand(resolver, requests, new FakeProvisioner(), config -> {
            launched.set(config);
            return 0;
        }, err);
        return DeviceCli.commandLine(command, out, err).execute(args);
    }

    String stdout() {
        return outBuffer.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return errBuffer.toString(StandardCharsets.UTF_8);
    }

    void resetOutput() {
        outBuffer.reset();
        errBuffer.reset();
    }

    /** Assigns the registration to {@code assigned.example.net} under its own registration id. */
    private final class FakeProvisioner implements DeviceProvisioner {
        @Override
        public Optional<DeviceConnectionSettings> provision(ProvisioningSettings settings, Protocol protocol)
                throws ProvisioningFailure {
            provisioned.set(settings);
            provisionedOver.set(protocol);
            if (provisioningFailure != null) {
                throw provisioningFailure;
            }
            try {
                return Optional.of(DeviceConnectionSettings.of(DeviceConnectionString.parse("HostName=assigned.example.net;"
                        + "DeviceId=" + settings.registrationId() + ";SharedAccessKey=" + settings.symmetricKey())));
            } catch (ConfigurationException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void stop() {
        }
    }
}
