package io.github.iothubquickstart.common;

import java.util.Optional;

/**
 * A parsed device connection string: {@code HostName=...;DeviceId=...;SharedAccessKey=...},
 * optionally with {@code GatewayHostName} and {@code ModuleId}.
 */
public final class DeviceConnectionString {

    static final String EXAMPLE = "HostName=<hub>.azure-devices.net;DeviceId=<device>;SharedAccessKey=<base64 key>";

    private final String value;
    private final String hostName;
    private final String deviceId;
    private final String gatewayHostName;
    private final String moduleId;

    private DeviceConnectionString(String value, String hostName, String deviceId, String gatewayHostName,
            String moduleId) {
        this.value = value;
        this.hostName = hostName;
        this.deviceId = deviceId;
        this.gatewayHostName = gatewayHostName;
        this.moduleId = moduleId;
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
        ConnectionStringRules.requireBase64Key(fields.required("SharedAccessKey", EXAMPLE));
        String gateway = fields.optional("GatewayHostName").orElse(null);
        if (gateway != null) {
            requireDeviceHost("GatewayHostName", gateway);
        }
        return new DeviceConnectionString(connectionString.trim(), hostName, deviceId, gateway,
                fields.optional("ModuleId").orElse(null));
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

    /** Where the device actually connects: the gateway if there is one. */
    public String connectHost() {
        return gatewayHostName != null ? gatewayHostName : hostName;
    }

    @Override
    public String toString() {
        return "DeviceConnectionString[HostName=" + hostName + ", DeviceId=" + deviceId + "]"; // never the key
    }
}
