package io.github.iothubquickstart.localhub;

import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhubclient.EventHubsConnectionStrings;
import io.github.iothubquickstart.localhubclient.PolicyKey;

/** IoT Hub connection strings, in the form the Azure SDKs parse. */
public final class ConnectionStrings {

    private ConnectionStrings() {
    }

    /**
     * {@code HostName=<host>;DeviceId=<id>;SharedAccessKey=<primary key>}, or {@code ...;x509=true} for an X.509 device
     * (IoT Hub's form: the certificate is given to the SDK apart).
     */
    public static String device(String hostName, DeviceIdentity device) {
        return "HostName=" + requireValue("host name", hostName) + ";DeviceId=" + device.deviceId()
                + credential(device.primaryKey());
    }

    /** {@code HostName=<host>;DeviceId=<id>;ModuleId=<module id>;SharedAccessKey=<primary key>} (or {@code x509=true}) */
    public static String module(String hostName, ModuleIdentity module) {
        return "HostName=" + requireValue("host name", hostName) + ";DeviceId=" + module.deviceId()
                + ";ModuleId=" + module.moduleId() + credential(module.primaryKey());
    }

    /** An identity without a key authenticates with a certificate. */
    private static String credential(String primaryKey) {
        return primaryKey == null ? ";x509=true" : ";SharedAccessKey=" + primaryKey;
    }

    /**
     * As {@link #device(String, DeviceIdentity)} plus {@code GatewayHostName}: the device SDK then
     * connects to the gateway while its SAS tokens still name {@code hostName}.
     */
    public static String device(String hostName, String gatewayHostName, DeviceIdentity device) {
        return device(hostName, device) + ";GatewayHostName=" + requireValue("gateway host name", gatewayHostName);
    }

    /** {@code HostName=<host>;SharedAccessKeyName=<policy>;SharedAccessKey=<primary key>} */
    public static String service(String hostName, SharedAccessPolicy policy) {
        return "HostName=" + requireValue("host name", hostName) + ";SharedAccessKeyName=" + policy.name()
                + ";SharedAccessKey=" + policy.primaryKey();
    }

    /**
     * What an Event Hubs client reads the hub's telemetry with under {@code policyName}: emulator mode (plain AMQP) on
     * {@code port}, or with {@code tls} AMQP over TLS for a client that trusts the hub's CA.
     *
     * @throws IllegalStateException when {@code port} is 0: the hub does not listen for it
     */
    static String eventHubs(DeviceRegistry registry, String policyName, String hostName, String hubName, int port,
                            boolean tls) {
        PolicyKey policy = registry.findPolicy(policyName)
                .map(found -> new PolicyKey(found.name(), found.primaryKey()))
                .orElseThrow(() -> new IllegalArgumentException("No shared access policy " + policyName + "."));
        if (port == 0) {
            throw new IllegalStateException("The hub does not listen for " + (tls ? "AMQP over TLS" : "plain AMQP")
                    + " (its port is off or was in use).");
        }
        return tls ? EventHubsConnectionStrings.tls(hostName, port, hubName, policy)
                : EventHubsConnectionStrings.emulator(hostName, port, hubName, policy);
    }

    /** Connection strings have no escaping, so ';' or '=' in a value would break the parse. */
    private static String requireValue(String what, String value) {
        if (value == null || value.isBlank() || value.indexOf(';') >= 0 || value.indexOf('=') >= 0) {
            throw new IllegalArgumentException("invalid " + what + " for a connection string: \"" + value + "\"");
        }
        return value;
    }
}
