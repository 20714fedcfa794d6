package io.github.iothubquickstart.localhub.mqtt;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The URL-encoded property bag at the end of a telemetry topic, split into IoT Hub's system properties
 * ({@code $.mid}, {@code $.ct}, ...) and the application's own properties. Keys and values are URL-decoded, so a
 * {@code $} sent as {@code %24} (as the Node SDK does) is the same key.
 */
public record PropertyBag(Map<String, String> systemProperties, Map<String, String> applicationProperties) {
    private static final String SYSTEM_PREFIX = "$.";
    private static final int MAX_PROPERTIES = 128;
    /** Most telemetry carries no properties: one shared answer instead of four maps per message. */
    private static final Optional<PropertyBag> NONE = Optional.of(new PropertyBag(Map.of(), Map.of()));

    public PropertyBag {
        systemProperties = Collections.unmodifiableMap(new LinkedHashMap<>(systemProperties));
        applicationProperties = Collections.unmodifiableMap(new LinkedHashMap<>(applicationProperties));
    }

    /** Empty when the bag is not valid URL encoding, has an empty key, a repeated key, or too many properties. */
    public static Optional<PropertyBag> parse(String encoded) {
        if (encoded.isEmpty()) {
            return NONE;
        }
        Map<String, String> system = new LinkedHashMap<>();
        Map<String, String> application = new LinkedHashMap<>();
        String[] pairs = encoded.split("&", -1);
        if (pairs.length > MAX_PROPERTIES) {
            return Optional.empty();
        }
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            String key;
            String value;
            try {
                key = decode(equals < 0 ? pair : pair.substring(0, equals));
                value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            } catch (IllegalArgumentException malformedEscape) {
                return Optional.empty();
            }
            if (key.isEmpty()) {
                return Optional.empty();
            }
            Map<String, String> target = key.startsWith(SYSTEM_PREFIX) ? system : application;
            if (target.put(key, value) != null) {
                return Optional.empty();
            }
        }
        return Optional.of(new PropertyBag(system, application));
    }

    /**
     * The bag as IoT Hub writes it into a topic: system properties first ({@code $} as {@code %24}, where the device
     * SDKs look for the bag's start), then the others; keys and values URL-encoded, a space as {@code %20}.
     */
    public String encode() {
        StringBuilder bag = new StringBuilder();
        for (Map<String, String> properties : java.util.List.of(systemProperties, applicationProperties)) {
            for (Map.Entry<String, String> property : properties.entrySet()) {
                if (!bag.isEmpty()) {
                    bag.append('&');
                }
                bag.append(encode(property.getKey())).append('=').append(encode(property.getValue()));
            }
        }
        return bag.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String decode(String text) {
        // '+' is a literal plus in a topic, not a space as in HTML forms.
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
