package io.github.iothubquickstart.localhub.methods;

import io.github.iothubquickstart.localhub.connections.ConnectedDevice;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import io.vertx.core.Future;
import java.util.concurrent.TimeoutException;

/**
 * Invokes a direct method on a device, over whichever transport it is connected by: waits (bounded) for it to be
 * online, sends the request, and waits (bounded) for its answer. Fails only with
 * {@link io.github.iothubquickstart.localhub.errors.IotHubError}.
 */
public final class DirectMethodService {
    private final DeviceRegistry registry;
    private final ConnectedDevices devices;
    private final PendingMethodCalls pendingCalls;
    private final MethodCallQuota quota;

    public DirectMethodService(DeviceRegistry registry, ConnectedDevices devices, PendingMethodCalls pendingCalls,
                               int maxCallsPerDevice, int maxCallsInFlight) {
        this.registry = registry;
        this.devices = devices;
        this.pendingCalls = pendingCalls;
        this.quota = new MethodCallQuota(maxCallsPerDevice, maxCallsInFlight);
        devices.onConnectionEnded(pendingCalls::connectionEnded);
    }

    public Future<MethodResult> invoke(String deviceId, MethodRequest request) {
        if (registry.findDevice(deviceId).isEmpty()) {
            return Future.failedFuture(IotHubErrors.deviceNotFound(deviceId));
        }
        String refusal = quota.tryAcquire(deviceId);
        if (refusal != null) {
            return Future.failedFuture(IotHubErrors.throttled("Too many requests: " + refusal + "; retry later."));
        }
        return devices.awaitMethodsReady(deviceId, request.connectTimeout())
                .recover(notOnline -> Future.failedFuture(IotHubErrors.deviceNotOnline(deviceId)))
                .compose(device -> call(device, request))
                .andThen(done -> quota.release(deviceId));
    }

    /**
     * A device's answer, as its transport received it. Returns false when no call with that id is waiting on that
     * very connection (too late, or an answer to another device's call), and then nothing happens.
     */
    public boolean answer(ConnectedDevice device, String requestId, MethodResult result) {
        return pendingCalls.answer(device, requestId, result);
    }

    /** Calls accepted and not yet answered, timed out or failed. */
    public int callsInFlight() {
        return quota.inFlight();
    }

    private Future<MethodResult> call(ConnectedDevice device, MethodRequest request) {
        PendingMethodCalls.Call call = pendingCalls.open(device, request.responseTimeout());
        if (!device.isOpen()) {
            // The device left between coming online and this call being registered: fail now, not at the timeout.
            pendingCalls.connectionEnded(device);
        }
        device.connection().sendMethodRequest(call.requestId(), request.methodName(), request.payload());
        return call.result().recover(failure -> Future.failedFuture(failure instanceof TimeoutException
                ? IotHubErrors.gatewayTimeout(device.deviceId(), (int) request.responseTimeout().toSeconds())
                : IotHubErrors.deviceDisconnected(device.deviceId())));
    }
}
