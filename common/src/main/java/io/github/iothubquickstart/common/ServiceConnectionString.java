package io.github.iothubquickstart.common;

import java.util.OptionalInt;

/**
 * A parsed service (shared access policy) connection string:
 * {@code HostName=...;SharedAccessKeyName=...;SharedAccessKey=...}. Unlike a device string, HostName may
 * carry a port ({@code 127.0.0.1:8443}) because the service SDK can reach a hub on any port.
 */
public final class ServiceConnectionString {

    static final String EXAMPLE = "HostName=<hub>.azure-devices.net;SharedAccessKeyName=service;SharedAccessKey=<base64 key>";

    private final String hostName;
    private final int port;
    private final String sharedAccessKeyName;
    private final String sharedAccessKey;

    private ServiceConnectionString(String hostName, int port, String sharedAccessKeyName, String sharedAccessKey) {
        this.hostName = hostName;
        this.port = port;
        this.sharedAccessKeyName = sharedAccessKeyName;
        this.sharedAccessKey = sharedAccessKey;
    }

    /** @throws ConfigurationException one line naming the missing or bad field */
    public static ServiceConnectionString parse(String connectionString) throws ConfigurationException {
        ConnectionStringFields fields = ConnectionStringFields.parse(connectionString);
        String hostAndPort = fields.required("HostName", EXAMPLE);
        String keyName = fields.required("SharedAccessKeyName", EXAMPLE);
        String key = fields.required("SharedAccessKey", EXAMPLE);
        return of(hostAndPort, keyName, key);
    }

    /** Builds one from its parts, with the same checks as {@link #parse}. */
    public static ServiceConnectionString of(String hostAndPort, String keyName, String key)
            throws ConfigurationException {
        String host = hostAndPort;
        int port = -1;
        int colon = hostAndPort.lastIndexOf(':');
        if (colon >= 0) {
            host = hostAndPort.substring(0, colon);
            port = parsePort(hostAndPort, hostAndPort.substring(colon + 1));
        }
        ConnectionStringRules.requireHostName("HostName", host);
        if (keyName.isBlank()) {
            throw new ConfigurationException("the connection string has an empty SharedAccessKeyName");
        }
        ConnectionStringRules.requireBase64Key(key);
        return new ServiceConnectionString(host, port, keyName, key);
    }

    private static int parsePort(String hostAndPort, String portText) throws ConfigurationException {
        try {
            int port = Integer.parseInt(portText);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException("the connection string's HostName '" + hostAndPort
                + "' has a bad port: expected host or host:port with a port from 1 to 65535");
    }

    /** The host name without any port: what the SAS token's {@code sr} names. */
    public String hostName() {
        return hostName;
    }

    public OptionalInt port() {
        return port < 0 ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** {@code host} or {@code host:port}, as written in the connection string. */
    public String hostNameWithPort() {
        return port < 0 ? hostName : hostName + ":" + port;
    }

    public String sharedAccessKeyName() {
        return sharedAccessKeyName;
    }

    public String sharedAccessKey() {
        return sharedAccessKey;
    }

    /** The connection string in the canonical form the service SDK accepts. */
    public String value() {
        return "HostName=" + hostNameWithPort() + ";SharedAccessKeyName=" + sharedAccessKeyName
                + ";SharedAccessKey=" + sharedAccessKey;
    }

    @Override
    public String toString() {
        return "ServiceConnectionString[HostName=" + hostNameWithPort() + ", SharedAccessKeyName="
                + sharedAccessKeyName + "]"; // never the key
    }
}
