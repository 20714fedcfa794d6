package io.github.iothubquickstart.localhub.mqtt;

import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The server side of RFC 6455's opening handshake for MQTT over WebSockets, as IoT Hub's devices open it: a GET
 * with {@code Upgrade: websocket}, version 13, a key, and {@code mqtt} among the offered subprotocols.
 */
final class WebSocketHandshake {
    static final String SUBPROTOCOL = "mqtt";
    /** RFC 6455 section 1.3: appended to the client's key before hashing. */
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketHandshake() {
    }

    /** Why these request headers cannot be upgraded to MQTT over WebSockets, or empty when they can. */
    static Optional<String> problem(MultiMap headers) {
        if (!containsToken(headers.get("Upgrade"), "websocket") || !containsToken(headers.get("Connection"), "upgrade")) {
            return Optional.of("This endpoint speaks MQTT over WebSockets only: send a WebSocket upgrade request"
                    + " (Upgrade: websocket, Connection: Upgrade).");
        }
        if (!"13".equals(trimmed(headers.get("Sec-WebSocket-Version")))) {
            return Optional.of("Unsupported WebSocket version " + headers.get("Sec-WebSocket-Version")
                    + ": only version 13 (RFC 6455) is supported.");
        }
        if (trimmed(headers.get("Sec-WebSocket-Key")).isEmpty()) {
            return Optional.of("The WebSocket upgrade request has no Sec-WebSocket-Key.");
        }
        if (headers.getAll("Sec-WebSocket-Protocol").stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .noneMatch(protocol -> protocol.trim().equals(SUBPROTOCOL))) {
            return Optional.of("The WebSocket upgrade request must offer the subprotocol '" + SUBPROTOCOL
                    + "' (Sec-WebSocket-Protocol: " + SUBPROTOCOL + ").");
        }
        return Optional.empty();
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
