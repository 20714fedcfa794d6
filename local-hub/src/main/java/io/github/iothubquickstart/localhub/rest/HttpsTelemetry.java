package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A device-to-cloud message as a device posts it to IoT Hub's HTTPS endpoint, in the shape the hub stores for every
 * transport: IoT Hub's system properties under the MQTT property-bag keys ({@code iothub-messageid} as
 * {@code $.mid}, {@code iothub-contenttype} as {@code $.ct}, ...), the application's own properties (headers
 * {@code iothub-app-<name>}) and the body. A batch ({@code Content-Type: application/vnd.microsoft.iothub.json}) is a
 * JSON array of {@code {"body": <base64>, "base64Encoded": true, "properties": {...}}}, the same keys as the headers.
 */
record HttpsTelemetry(Map<String, String> systemProperties, Map<String, String> applicationProperties, byte[] body) {
    /** IoT Hub's limit on a device-to-cloud message, and on a batch of them in one request. */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;
    static final int MAX_PROPERTIES = 128;
    static final String BATCH_CONTENT_TYPE = "application/vnd.microsoft.iothub.json";
    static final String APPLICATION_PREFIX = "iothub-app-";
    /** What the device SDKs send, as header or batch property names (lower case), for IoT Hub's system properties. */
    private static final Map<String, String> SYSTEM_PROPERTIES = Map.ofEntries(
            Map.entry("iothub-messageid", "$.mid"),
            Map.entry("iothub-correlationid", "$.cid"),
            Map.entry("iothub-userid", "$.uid"),
            Map.entry("iothub-to", "$.to"),
            Map.entry("iothub-expiry", "$.exp"),
            Map.entry("iothub-contenttype", "$.ct"),
            Map.entry("iothub-content-type", "$.ct"),
            Map.entry("iothub-contentencoding", "$.ce"),
            Map.entry("iothub-content-encoding", "$.ce"),
            Map.entry("iothub-creation-time-utc", "$.ctime"),
            Map.entry("iothub-interface-id", "$.ifid"),
            Map.entry("iothub-outputname", "$.on"),
            Map.entry("dt-subject", "$.sub"),
            Map.entry("dt-dataschema", "$.dataschema"));

    /** The messages of one request: one, or a batch's; every one checked before any is stored. */
    static List<HttpsTelemetry> fromRequest(MultiMap headers, byte[] body) {
        if (body.length > MAX_MESSAGE_BYTES) {
            throw tooLarge(body.length);
        }
        String contentType = headers.get("Content-Type");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(BATCH_CONTENT_TYPE)) {
            return batch(body);
        }
        Map<String, String> system = new LinkedHashMap<>();
        Map<String, String> application = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers) {
            add(header.getKey(), header.getValue(), system, application);
        }
        return List.of(new HttpsTelemetry(system, application, body));
    }

    private static List<HttpsTelemetry> batch(byte[] body) {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw IotHubErrors.formatError("The batch is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof JsonArray array) || array.isEmpty()) {
            throw IotHubErrors.formatError("A batch is a non-empty JSON array of {\"body\":..,\"properties\":{..}}.");
        }
        List<HttpsTelemetry> messages = new ArrayList<>(array.size());
        for (JsonElement element : array) {
            if (!(element instanceof JsonObject entry) || !isText(entry.get("body"))) {
                throw IotHubErrors.formatError("Each message of a batch is an object with a string \"body\".");
            }
            Map<String, String> system = new LinkedHashMap<>();
            Map<String, String> application = new LinkedHashMap<>();
            JsonElement properties = entry.get("properties");
            if (properties != null && !properties.isJsonNull()) {
                if (!(properties instanceof JsonObject object)) {
                    throw IotHubErrors.formatError("The \"properties\" of a batched message must be an object.");
                }
                for (Map.Entry<String, JsonElement> property : object.entrySet()) {
                    if (!property.getValue().isJsonPrimitive()) {
                        throw IotHubErrors.formatError("Property " + property.getKey()
                                + " of a batched message must be a string.");
                    }
                    add(property.getKey(), property.getValue().getAsString(), system, application);
                }
            }
            messages.add(new HttpsTelemetry(system, application, bodyOf(entry)));
        }
        return messages;
    }

    /** The SDKs send bodies in base64; {@code "base64Encoded": false} says the body is the text itself. */
    private static byte[] bodyOf(JsonObject entry) {
        String text = entry.get("body").getAsString();
        JsonElement encoded = entry.get("base64Encoded");
        if (encoded != null && encoded.isJsonPrimitive() && !encoded.getAsBoolean()) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw IotHubErrors.formatError("The body of a batched message is not valid base64.");
        }
    }

    private static void add(String name, String value, Map<String, String> system, Map<String, String> application) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith(APPLICATION_PREFIX)) {
            String property = name.substring(APPLICATION_PREFIX.length());
            if (property.isEmpty()) {
                throw IotHubErrors.argumentInvalid("An application property (" + APPLICATION_PREFIX
                        + "<name>) has an empty name.");
            }
            if (application.put(property, value) != null) {
                throw IotHubErrors.argumentInvalid("Application property " + property + " is given twice.");
            }
            if (application.size() > MAX_PROPERTIES) {
                throw IotHubErrors.argumentInvalid("The message has more than " + MAX_PROPERTIES
                        + " application properties.");
            }
            return;
        }
        String key = SYSTEM_PROPERTIES.get(lower);
        String previous = key == null ? null : system.put(key, value);
        if (previous != null && !previous.equals(value)) {
            throw IotHubErrors.argumentInvalid("System property " + lower + " is given twice, with different values.");
        }
        // Anything else (Authorization, User-Agent, the hub's own iothub-connection-* stamps) is not the message's.
    }

    private static boolean isText(JsonElement element) {
        return element != null && element.isJsonPrimitive() && element.getAsJsonPrimitive().isString();
    }

    static IotHubError tooLarge(long bytes) {
        return IotHubErrors.messageTooLarge("The message is " + bytes + " bytes, more than IoT Hub's "
                + MAX_MESSAGE_BYTES + " for a device-to-cloud message or batch.");
    }
}
