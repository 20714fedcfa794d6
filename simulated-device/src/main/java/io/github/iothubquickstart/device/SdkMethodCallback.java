package io.github.iothubquickstart.device;

import com.microsoft.azure.sdk.iot.device.twin.DirectMethodPayload;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.MethodCallback;
import java.io.PrintStream;

/** Thin adapter from the SDK's callback to {@link MethodDispatcher}; prints each call and answer. */
final class SdkMethodCallback implements MethodCallback {

    private final MethodDispatcher dispatcher;
    private final PrintStream out;

    SdkMethodCallback(MethodDispatcher dispatcher, PrintStream out) {
        this.dispatcher = dispatcher;
        this.out = out;
    }

    @Override
    public DirectMethodResponse onMethodInvoked(String methodName, DirectMethodPayload methodPayload, Object context) {
        String payload = methodPayload == null || methodPayload.getPayloadAsJsonElement() == null
                ? "" : methodPayload.getPayloadAsJsonString();
        MethodResult result = dispatcher.handle(methodName, payload);
        out.println("Direct method " + methodName + " called with payload " + payload + ": answered "
                + result.status() + " " + result.payload());
        return toSdkResponse(result);
    }

    static DirectMethodResponse toSdkResponse(MethodResult result) {
        // The JsonObject goes through the SDK's Gson untouched, so the wire payload is a JSON object.
        return new DirectMethodResponse(result.status(), result.payload());
    }
}
