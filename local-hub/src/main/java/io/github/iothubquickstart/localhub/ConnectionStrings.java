package io.github.iothubquickstart.localhub;

import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;

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

    /** Connection strings have no escaping, so ';' or '=' in a value would break the parse. */
    private static String requireValue(String what, String value) {
        if (value == null || value.isBlank() || value.indexOf(';') >= 0 || value.indexOf('=') >= 0) {
            throw new IllegalArgumentException("invalid " + what + " for a connection string: \"" + value + "\"");
        }
        return value;
    }
}
