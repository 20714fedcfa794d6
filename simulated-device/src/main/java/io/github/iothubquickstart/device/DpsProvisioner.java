package io.github.iothubquickstart.device;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.internal.exceptions.ProvisioningDeviceClientException;
import com.microsoft.azure.sdk.iot.provisioning.device.internal.exceptions.ProvisioningDeviceHubException;
import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.DeviceConnectionSettings;
import io.github.iothubquickstart.common.DeviceConnectionString;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;

/**
 * Registers the device with the unmodified {@link ProvisioningDeviceClient}, over the transport the device then uses,
 * and turns the assignment into the device's connection: the assigned hub, the device id, the same symmetric key and
 * the same trust (the hub a provisioning service assigns is trusted as the service is).
 */
final class DpsProvisioner implements DeviceProvisioner {
    /** DPS answers within seconds; the SDK's own default wait is 60 s. */
    static final int REGISTRATION_TIMEOUT_SECONDS = 60;

    private final PrintStream out;
    private final Object lock = new Object();
    private ProvisioningDeviceClient current;
    private boolean stopped;

    DpsProvisioner(PrintStream out) {
        this.out = out;
    }

    @Override
    public Optional<DeviceConnectionSettings> provision(ProvisioningSettings settings, Protocol protocol)
            throws ProvisioningFailure {
        out.println("Registering " + settings.registrationId() + " with the Device Provisioning Service at "
                + settings.host() + " (ID scope " + settings.idScope() + ") over " + protocol + "...");
        ProvisioningDeviceClient client;
        try {
            client = ProvisioningDeviceClient.create(settings.host(), settings.idScope(),
                    protocol.provisioningProtocol(), new TrustingSymmetricKey(settings.symmetricKey(),
                            settings.registrationId(), settings.trust()));
        } catch (ProvisioningDeviceClientException | RuntimeException e) {
            throw new ProvisioningFailure("cannot create the provisioning client (" + describe(e) + ")", e);
        }
        synchronized (lock) {
            if (stopped) {
                client.close();
                return Optional.empty();
            }
            current = client;
        }
        ProvisioningDeviceClientRegistrationResult result;
        try {
            result = client.registerDeviceSync(REGISTRATION_TIMEOUT_SECONDS);
        } catch (ProvisioningDeviceClientException | RuntimeException e) {
            if (isStopped()) {
                return Optional.empty();
            }
            throw failure(settings, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            client.close();
            synchronized (lock) {
                current = null;
            }
        }
        if (result.getProvisioningDeviceClientStatus() != ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED) {
            throw new ProvisioningFailure("the provisioning service at " + settings.host() + " did not assign "
                    + settings.registrationId() + " to a hub (status " + result.getProvisioningDeviceClientStatus()
                    + "): check its enrollment", null);
        }
        out.println("Provisioned: assigned hub " + result.getIothubUri() + ", device id " + result.getDeviceId()
                + " (use --device-id " + result.getDeviceId() + " with the back-end).");
        return Optional.of(connection(settings, result));
    }

    /**
     * A connection string rather than the SDK's security provider constructor: that one ignores
     * {@code ClientOptions.sslContext} for symmetric keys, so it could never trust the local hub's CA.
     */
    private static DeviceConnectionSettings connection(ProvisioningSettings settings,
                                                       ProvisioningDeviceClientRegistrationResult result)
            throws ProvisioningFailure {
        try {
            DeviceConnectionString connectionString = DeviceConnectionString.parse("HostName=" + result.getIothubUri()
                    + ";DeviceId=" + result.getDeviceId() + ";SharedAccessKey=" + settings.symmetricKey());
            return settings.trustManager().map(trust -> DeviceConnectionSettings.of(connectionString, trust))
                    .orElseGet(() -> DeviceConnectionSettings.of(connectionString));
        } catch (ConfigurationException e) {
            throw new ProvisioningFailure("the provisioning service assigned a hub the device cannot connect to ("
                    + e.getMessage() + ")", e);
        }
    }

    private static ProvisioningFailure failure(ProvisioningSettings settings, Exception e) {
        String where = "the provisioning service at " + settings.host();
        if (causedBy(e, SSLHandshakeException.class)) {
            return new ProvisioningFailure("cannot open TLS to " + where + " (" + describe(e) + "): its certificate "
                    + "is not trusted; for the local hub, check LOCAL_IOTHUB_DATA_DIR names its data directory", e);
        }
        if (causedBy(e, UnknownHostException.class) || causedBy(e, ConnectException.class)
                || causedBy(e, NoRouteToHostException.class) || causedBy(e, SocketTimeoutException.class)) {
            return new ProvisioningFailure("cannot reach " + where + " (" + describe(e) + "): check --provisioning-host"
                    + " (or " + ProvisioningRequests.HOST_VARIABLE + ") and the network", e);
        }
        String errorCode = e instanceof ProvisioningDeviceHubException hub && hub.getErrorCode() != 0
                ? "errorCode " + hub.getErrorCode() + ", " : "";
        return new ProvisioningFailure(where + " did not register " + settings.registrationId() + " (" + errorCode
                + describe(e) + "): check the ID scope, the registration ID and its symmetric key (a group's devices"
                + " use the key derived for their registration ID), and that the enrollment is enabled", e);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    /** Every distinct message down the cause chain, on one line: the SDK wraps the service's answer. */
    static String describe(Throwable e) {
        Set<String> messages = new LinkedHashSet<>();
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = cause instanceof UnknownHostException ? "unknown host " + cause.getMessage()
                    : cause.getMessage();
            Throwable next = cause.getCause();
            if (message != null && next != null && next != cause) {
                message = message.replace(next.toString(), "").replaceAll("[:\\s]+$", ""); // new X(cause) repeats it
            }
            if (message != null && !message.isBlank()) {
                messages.add(message.replaceAll("\\s+", " ").trim());
            }
        }
        return messages.isEmpty() ? e.getClass().getSimpleName() : String.join(": ", messages);
    }

    private boolean isStopped() {
        synchronized (lock) {
            return stopped;
        }
    }

    @Override
    public void stop() {
        ProvisioningDeviceClient toClose;
        synchronized (lock) {
            stopped = true;
            toClose = current;
        }
        if (toClose != null) {
            toClose.close(); // interrupts the registration; registerDeviceSync then returns
        }
    }
}
