package io.github.iothubquickstart.localhub.jobs;

import io.github.iothubquickstart.localhub.methods.MethodRequest;
import java.time.Duration;

/**
 * A method job's call ({@code cloudToDeviceMethod}): its name, its JSON payload as text (empty for none), and the
 * timeouts of each device's call.
 */
public record JobMethod(String methodName, String payload, Duration responseTimeout, Duration connectTimeout) {

    public static JobMethod of(MethodRequest request) {
        return new JobMethod(request.methodName(), request.payload(), request.responseTimeout(),
                request.connectTimeout());
    }

    MethodRequest toRequest() {
        return new MethodRequest(methodName, responseTimeout, connectTimeout, payload);
    }
}
