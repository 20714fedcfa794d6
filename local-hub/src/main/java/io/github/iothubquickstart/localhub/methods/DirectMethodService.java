package io.github.iothubquickstart.localhub.methods;

import io.github.iothubquickstart.localhub.device.DeviceSession;
import io.github.iothubquickstart.localhub.device.DeviceSessions;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.mqtt.DeviceTopics;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeoutException;

/**
 * Invokes a direct method on a device: waits (bounded) for it to be online, sends the request, and waits (bounded)
 * for its answer. Fails only with {@link io.github.iothubquickstart.localhub.errors.IotHubError}.
 */
public final class DirectMethodService {
    private final DeviceRegistry registry;
    private final DeviceSessions sessions;
    private final PendingMethodCalls pendingCalls;
    private final MethodCallQuota quota;

    public DirectMethodService(DeviceRegistry registry, DeviceSessions sessions, PendingMethodCalls pendingCalls,
                               int maxCallsPerDevice, int maxCallsInFlight) {
        this.registry = registry;
        this.sessions = sessions;
        this.pendingCalls = pendingCalls;
        this.quota = new MethodCallQuota(maxCallsPerDevice, maxCallsInFlight);
        sessions.onSessionEnded(pendingCalls::sessionEnded);
    }

    public Future<MethodResult> invoke(String deviceId, MethodRequest request) {
        if (registry.findDevice(deviceId).isEmpty()) {
            return Future.failedFuture(IotHubErrors.deviceNotFound(deviceId));
        }
        String refusal = quota.tryAcquire(deviceId);
        if (refusal != null) {
            return Future.failedFuture(IotHubErrors.throttled("Too many requests: " + refusal + "; retry later."));
        }
        return sessions.awaitMethodsReady(deviceId, request.connectTimeout())
                .recover(notOnline -> Future.failedFuture(IotHubErrors.deviceNotOnline(deviceId)))
                .compose(session -> call(session, request))
                .andThen(done -> quota.release(deviceId));
    }

    /** Calls accepted and not yet answered, timed out or failed. */
    public int callsInFlight() {
        return quota.inFlight();
    }

    private Future<MethodResult> call(DeviceSession session, MethodRequest request) {
        PendingMethodCalls.Call call = pendingCalls.open(session, request.responseTimeout());
        if (!session.isOpen()) {
            // The device left between coming online and this call being registered: fail now, not at the timeout.
            pendingCalls.sessionEnded(session);
        }
        session.publish(DeviceTopics.methodRequest(request.methodName(), call.requestId()),
                Buffer.buffer(request.payload()));
        return call.result().recover(failure -> Future.failedFuture(failure instanceof TimeoutException
                ? IotHubErrors.gatewayTimeout(session.deviceId(), (int) request.responseTimeout().toSeconds())
                : IotHubErrors.deviceDisconnected(session.deviceId())));
    }
}
