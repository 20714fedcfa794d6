package io.github.iothubquickstart.device;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.common.InvalidPayloadException;
import io.github.iothubquickstart.common.MethodErrorResponse;
import io.github.iothubquickstart.common.SetTelemetryInterval;
import io.github.iothubquickstart.common.SetTelemetryIntervalRequest;
import io.github.iothubquickstart.common.SetTelemetryIntervalResponse;
import java.time.Duration;

/**
 * The device's direct methods, without the SDK: method name and raw JSON payload in, status and JSON object
 * out. {@code SetTelemetryInterval} answers 200, a bad payload 400, any other method 404.
 */
public final class MethodDispatcher {

    static final int OK = 200;
    static final int BAD_REQUEST = 400;
    static final int NOT_FOUND = 404;

    private static final Gson GSON = new Gson();

    private final TelemetrySchedule schedule;

    public MethodDispatcher(TelemetrySchedule schedule) {
        this.schedule = schedule;
    }

    public MethodResult handle(String methodName, String payloadJson) {
        if (!SetTelemetryInterval.METHOD_NAME.equals(methodName)) {
            return result(NOT_FOUND, new MethodErrorResponse(MethodErrorResponse.UNKNOWN_METHOD, methodName,
                    "this device has no method '" + methodName + "'; it supports "
                            + SetTelemetryInterval.METHOD_NAME));
        }
        SetTelemetryIntervalRequest request;
        try {
            request = SetTelemetryIntervalRequest.parse(payloadJson);
        } catch (InvalidPayloadException e) {
            return result(BAD_REQUEST,
                    new MethodErrorResponse(MethodErrorResponse.INVALID_PAYLOAD, methodName, e.getMessage()));
        }
        schedule.setInterval(Duration.ofSeconds(request.seconds()));
        return result(OK, SetTelemetryIntervalResponse.forInterval(request.seconds()));
    }

    private static MethodResult result(int status, Object body) {
        return new MethodResult(status, GSON.toJsonTree(body).getAsJsonObject());
    }
}
