package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.methods.MethodRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Reads and checks the body of {@code POST /twins/{id}/methods} against IoT Hub's rules and limits. */
public final class MethodRequestParser {
    public static final int MAX_PAYLOAD_BYTES = 128 * 1024;
    static final int MAX_METHOD_NAME_LENGTH = 128;
    static final int DEFAULT_RESPONSE_TIMEOUT = 30;
    static final int MIN_RESPONSE_TIMEOUT = 5;
    static final int MAX_RESPONSE_TIMEOUT = 300;
    static final int DEFAULT_CONNECT_TIMEOUT = 0;
    static final int MAX_CONNECT_TIMEOUT = 300;
    private static final String FORBIDDEN_NAME_CHARACTERS = "$()<>@,;:\\\"/[]?={} \t";

    private MethodRequestParser() {
    }

    public static MethodRequest parse(String body) throws IotHubError {
        JsonObject json = JsonBodies.requireObject(body, "with methodName and payload");
        String methodName = methodName(json.get("methodName"));
        int responseTimeout = seconds(json, "responseTimeoutInSeconds", DEFAULT_RESPONSE_TIMEOUT,
                MIN_RESPONSE_TIMEOUT, MAX_RESPONSE_TIMEOUT);
        int connectTimeout = seconds(json, "connectTimeoutInSeconds", DEFAULT_CONNECT_TIMEOUT, 0, MAX_CONNECT_TIMEOUT);
        JsonElement payload = json.get("payload");
        // As IoT Hub: a JSON null ("payload": null, what the service SDK sends without a payload) reaches the device
        // as the text null; only an absent payload reaches it empty.
        String payloadText = payload == null ? "" : payload.toString();
        int payloadBytes = payloadText.getBytes(StandardCharsets.UTF_8).length;
        if (payloadBytes > MAX_PAYLOAD_BYTES) {
            throw IotHubErrors.payloadTooLarge("The method payload is " + payloadBytes
                    + " bytes; the limit is " + MAX_PAYLOAD_BYTES + " bytes (128 KB).");
        }
        return new MethodRequest(methodName, Duration.ofSeconds(responseTimeout), Duration.ofSeconds(connectTimeout),
                payloadText);
    }

    /** IoT Hub's rule for method names: printable US-ASCII without the characters it reserves. */
    public static boolean isValidMethodName(String name) {
        if (name.isEmpty() || name.length() > MAX_METHOD_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x21 || c > 0x7e || FORBIDDEN_NAME_CHARACTERS.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static String methodName(JsonElement value) {
        if (value == null || value.isJsonNull()) {
            throw IotHubErrors.argumentInvalid("methodName is required.");
        }
        if (!isString(value)) {
            throw IotHubErrors.argumentInvalid("methodName must be a string.");
        }
        String name = value.getAsString();
        if (!isValidMethodName(name)) {
            throw IotHubErrors.argumentInvalid("methodName '" + printable(name) + "' is not valid: use 1 to "
                    + MAX_METHOD_NAME_LENGTH + " printable ASCII characters, none of " + FORBIDDEN_NAME_CHARACTERS.trim()
                    + " or white space.");
        }
        return name;
    }

    private static int seconds(JsonObject json, String field, int defaultValue, int min, int max) {
        JsonElement value = json.get(field);
        if (value == null || value.isJsonNull()) {
            return defaultValue;
        }
        if (!value.isJsonPrimitive() || !((JsonPrimitive) value).isNumber()) {
            throw IotHubErrors.argumentInvalid(field + " must be a number of seconds.");
        }
        double seconds = value.getAsDouble();
        if (seconds != Math.rint(seconds) || seconds < min || seconds > max) {
            throw IotHubErrors.argumentInvalid(field + " must be a whole number from " + min + " to " + max
                    + " seconds; it was " + value + ".");
        }
        return (int) seconds;
    }

    private static boolean isString(JsonElement value) {
        return value.isJsonPrimitive() && ((JsonPrimitive) value).isString();
    }

    private static String printable(String text) {
        String shortened = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return shortened.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
