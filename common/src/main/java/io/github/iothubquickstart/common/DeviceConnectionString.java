package io.github.iothubquickstart.common;

import java.util.Optional;

/**
 * A parsed device connection string: {@code HostName=...;DeviceId=...;SharedAccessKey=...},
 * optionally with {@code GatewayHostName} and {@code ModuleId}; or, for a device that logs in with its certificate,
 * {@code HostName=...;DeviceId=...;x509=true} (no key: the certificate is given to the SDK apart).
 */
public final class DeviceConnectionString {

    static final String EXAMPLE = "HostName=<hub>.azure-devices.net;DeviceId=<device>;SharedAccessKey=<base64 key>";
    private static final String X509 = "x509";

    private final String value;
    private final String hostName;
    private final String deviceId;
    private final String gatewayHostName;
    private final String moduleId;
    private final boolean x509;

    private DeviceConnectionString(String value, String hostName, String deviceId, String gatewayHostName,
            String moduleId, boolean x509) {
        this.value = value;
        this.hostName = hostName;
        this.deviceId = deviceId;
        this.gatewayHostName = gatewayHostName;
        this.moduleId = moduleId;
        this.x509 = x509;
    }

    /** @throws ConfigurationException one line naming the missing or bad field */
    public static DeviceConnectionString parse(String connectionString) throws ConfigurationException {
        ConnectionStringFields fields = ConnectionStringFields.parse(connectionString);
        String hostName = fields.required("HostName", EXAMPLE);
        requireDeviceHost("HostName", hostName);
        if (!hostName.contains(".")) {
            // The Java device SDK refuses such names with a less helpful message.
            throw new ConfigurationException("the connection string's HostName '" + hostName
                    + "' must contain a dot (e.g. <hub>.azure-devices.net or 127.0.0.1)");
        }
        String deviceId = fields.required("DeviceId", EXAMPLE);
        boolean x509 = x509(fields);
        if (!x509) {
            ConnectionStringRules.requireBase64Key(fields.required("SharedAccessKey", EXAMPLE));
        } else if (fields.optional("SharedAccessKey").isPresent()) {
            // The SDK would silently pick the certificate; say which one the user meant instead.
            throw new ConfigurationException("the connection string has both SharedAccessKey and x509=true: keep "
                    + "SharedAccessKey for a key, or x509=true for a certificate");
        }
        String gateway = fields.optional("GatewayHostName").orElse(null);
        if (gateway != null) {
            requireDeviceHost("GatewayHostName", gateway);
        }
        return new DeviceConnectionString(connectionString.trim(), hostName, deviceId, gateway,
                fields.optional("ModuleId").orElse(null), x509);
    }

    /** {@code x509=true} as the SDK spells it (it looks for exactly that text); any other value is a mistake. */
    private static boolean x509(ConnectionStringFields fields) throws ConfigurationException {
        Optional<String> value = fields.optional(X509);
        if (value.isEmpty()) {
            return false;
        }
        if (!value.get().equals("true")) {
            throw new ConfigurationException("the connection string's x509 must be 'true' (for a device that logs in"
                    + " with a certificate), got '" + value.get() + "'");
        }
        return true;
    }

    private static void requireDeviceHost(String field, String host) throws ConfigurationException {
        if (host.contains(":")) {
            throw new ConfigurationException("the connection string's " + field + " '" + host
                    + "' must not include a port: the device SDK always uses 8883 (MQTT) or 443 (AMQP/WebSockets)");
        }
        ConnectionStringRules.requireHostName(field, host);
    }

    /** The connection string exactly as given (trimmed), ready for the SDK. */
    public String value() {
        return value;
    }

    public String hostName() {
        return hostName;
    }

    public String deviceId() {
        return deviceId;
    }

    public Optional<String> gatewayHostName() {
        return Optional.ofNullable(gatewayHostName);
    }

    public Optional<String> moduleId() {
        return Optional.ofNullable(moduleId);
    }

    /** Whether the device logs in with an X.509 certificate ({@code x509=true}) rather than a key. */
    public boolean x509() {
        return x509;
    }

    /** Where the device actually connects: the gateway if there is one. */
    public String connectHost() {
        return gatewayHostName != null ? gatewayHostName : hostName;
    }

    @Override
    public String toString() {
        return "DeviceConnectionString[HostName=" + hostName + ", DeviceId=" + deviceId + "]"; // never the key
    }
}
