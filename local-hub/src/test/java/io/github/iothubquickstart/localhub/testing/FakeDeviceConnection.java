package io.github.iothubquickstart.localhub.testing;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.connections.DeviceConnection;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A device connection that records what the hub sent it and how often it was closed, for the core's unit tests. */
public final class FakeDeviceConnection implements DeviceConnection {
    public record MethodRequestSent(String requestId, String methodName, String payloadJson) {
    }

    public record DesiredPropertiesSent(JsonObject patch, long version) {
    }

    private final IdentityId identity;
    private final List<MethodRequestSent> methodRequests = new CopyOnWriteArrayList<>();
    private final List<DesiredPropertiesSent> desiredProperties = new CopyOnWriteArrayList<>();
    private final AtomicInteger closes = new AtomicInteger();

    public FakeDeviceConnection(String deviceId) {
        this(IdentityId.device(deviceId));
    }

    /** A connection of a device or of a module. */
    public FakeDeviceConnection(IdentityId identity) {
        this.identity = identity;
    }

    @Override
    public String deviceId() {
        return identity.deviceId();
    }

    @Override
    public IdentityId identity() {
        return identity;
    }

    @Override
    public void sendMethodRequest(String requestId, String methodName, String payloadJson) {
        methodRequests.add(new MethodRequestSent(requestId, methodName, payloadJson));
    }

    @Override
    public void sendDesiredProperties(JsonObject patch, long version) {
        desiredProperties.add(new DesiredPropertiesSent(patch.deepCopy(), version));
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }

    public List<MethodRequestSent> methodRequests() {
        return List.copyOf(methodRequests);
    }

    /** The one method request sent so far; fails the test if there is not exactly one. */
    public MethodRequestSent onlyMethodRequest() {
        if (methodRequests.size() != 1) {
            throw new AssertionError(identity + " was sent " + methodRequests.size() + " method requests, not 1: "
                    + methodRequests);
        }
        return methodRequests.get(0);
    }

    public List<DesiredPropertiesSent> desiredProperties() {
        return List.copyOf(desiredProperties);
    }

    public int closeCount() {
        return closes.get();
    }

    @Override
    public String toString() {
        return "FakeDeviceConnection[" + identity + "]";
    }
}
