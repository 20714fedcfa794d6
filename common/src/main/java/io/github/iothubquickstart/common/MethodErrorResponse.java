package io.github.iothubquickstart.common;

/**
 * What the device answers when it refuses a direct method call (status 400 or 404), e.g.
 * {@code {"error":"UnknownMethod","method":"Reboot","message":"..."}}.
 *
 * @param error a stable machine-readable reason: {@link #INVALID_PAYLOAD} or {@link #UNKNOWN_METHOD}
 * @param method the method that was called
 * @param message why, in one line, for people
 */
public record MethodErrorResponse(String error, String method, String message) {

    public static final String INVALID_PAYLOAD = "InvalidPayload";
    public static final String UNKNOWN_METHOD = "UnknownMethod";
}
