package io.github.iothubquickstart.localhub.methods;

import java.time.Duration;

/**
 * A validated direct method invocation. {@code payload} is the request's JSON payload exactly as it goes to the
 * device, or an empty string when the request had none.
 */
public record MethodRequest(String methodName, Duration responseTimeout, Duration connectTimeout, String payload) {
}
