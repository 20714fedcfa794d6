package io.github.iothubquickstart.localhub.websocket;

import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;

/**
 * The server side of RFC 6455's opening handshake as IoT Hub's devices open it: a GET with {@code Upgrade: websocket},
 * version 13, a key, and among the offered subprotocols one the hub speaks ({@code mqtt}, {@code AMQPWSB10}).
 */
final class WebSocketHandshake {
    /** RFC 6455 section 1.3: appended to the client's key before hashing. */
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketHandshake() {
    }

    /** Why these request headers are no WebSocket upgrade the hub takes, or empty when they are. */
    static Optional<String> problem(MultiMap headers) {
        if (!containsToken(headers.get("Upgrade"), "websocket") || !containsToken(headers.get("Connection"), "upgrade")) {
            return Optional.of("This endpoint speaks MQTT and AMQP over WebSockets only: send a WebSocket upgrade"
                    + " request (Upgrade: websocket, Connection: Upgrade).");
        }
        if (!"13".equals(trimmed(headers.get("Sec-WebSocket-Version")))) {
            return Optional.of("Unsupported WebSocket version " + headers.get("Sec-WebSocket-Version")
                    + ": only version 13 (RFC 6455) is supported.");
        }
        if (trimmed(headers.get("Sec-WebSocket-Key")).isEmpty()) {
            return Optional.of("The WebSocket upgrade request has no Sec-WebSocket-Key.");
        }
        return Optional.empty();
    }

    /**
     * The first of the client's offered subprotocols (in its order of preference) that the hub speaks; subprotocol
     * names are case-sensitive (RFC 6455 section 4.1).
     */
    static Optional<String> chosenSubprotocol(MultiMap headers, Collection<String> spoken) {
        return headers.getAll("Sec-WebSocket-Protocol").stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::trim)
                .filter(spoken::contains)
                .findFirst();
    }

    /** The Sec-WebSocket-Accept answer to the client's Sec-WebSocket-Key. */
    static String acceptKey(String clientKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((clientKey.trim() + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-1", e);
        }
    }

    private static boolean containsToken(String headerValue, String token) {
        return headerValue != null && Arrays.stream(headerValue.split(","))
                .anyMatch(value -> value.trim().equalsIgnoreCase(token));
    }

    private static String trimmed(String value) {
        return value == null ? "" : value.trim();
    }
}
