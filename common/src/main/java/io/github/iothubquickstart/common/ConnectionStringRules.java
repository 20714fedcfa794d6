package io.github.iothubquickstart.common;

import java.util.Base64;
import java.util.regex.Pattern;

/** Field checks shared by device and service connection strings. */
final class ConnectionStringRules {

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private ConnectionStringRules() {
    }

    static void requireBase64Key(String key) throws ConfigurationException {
        try {
            byte[] decoded = Base64.getDecoder().decode(key);
            if (decoded.length == 0) {
                throw new ConfigurationException("the connection string's SharedAccessKey is empty after base64 decoding");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("the connection string's SharedAccessKey is not valid base64");
        }
    }

    static void requireHostName(String field, String host) throws ConfigurationException {
        if (!HOST_NAME.matcher(host).matches()) {
            throw new ConfigurationException("the connection string's " + field + " '" + host
                    + "' is not a host name (letters, digits, '.', '-', '_')");
        }
    }
}
