package io.github.iothubquickstart.common;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code Key=Value;Key=Value} fields of an IoT Hub connection string, without any meaning attached.
 * Values may contain '=' (base64 keys end with it), so only the first '=' of a field splits it.
 */
public final class ConnectionStringFields {

    private final Map<String, String> fields;

    private ConnectionStringFields(Map<String, String> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    /** @throws ConfigurationException naming the malformed part; never echoes a key's value */
    public static ConnectionStringFields parse(String connectionString) throws ConfigurationException {
        if (connectionString == null || connectionString.isBlank()) {
            throw new ConfigurationException("the connection string is empty");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : connectionString.trim().split(";")) {
            if (part.isBlank()) {
                continue; // tolerate a trailing or doubled ';'
            }
            int equals = part.indexOf('=');
            if (equals <= 0) {
                throw new ConfigurationException("the connection string has a part that is not Key=Value: '"
                        + firstWord(part) + "'");
            }
            String key = part.substring(0, equals).trim();
            String value = part.substring(equals + 1).trim();
            if (fields.putIfAbsent(key, value) != null) {
                throw new ConfigurationException("the connection string has " + key + " more than once");
            }
        }
        return new ConnectionStringFields(fields);
    }

    public Optional<String> optional(String key) {
        return Optional.ofNullable(fields.get(key)).filter(value -> !value.isEmpty());
    }

    /** @throws ConfigurationException "missing KEY" when the field is absent or empty */
    public String required(String key, String example) throws ConfigurationException {
        String value = fields.get(key);
        if (value == null) {
            throw new ConfigurationException("the connection string is missing " + key + " (expected " + example + ")");
        }
        if (value.isEmpty()) {
            throw new ConfigurationException("the connection string has an empty " + key + " (expected " + example + ")");
        }
        return value;
    }

    private static String firstWord(String part) {
        // Don't echo a whole part: it could be a secret pasted in the wrong place.
        String trimmed = part.trim();
        return trimmed.length() <= 20 ? trimmed : trimmed.substring(0, 17) + "...";
    }
}
