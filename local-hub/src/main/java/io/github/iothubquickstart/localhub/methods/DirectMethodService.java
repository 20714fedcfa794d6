package io.github.iothubquickstart.localhub.methods;

import io.github.iothubquickstart.localhub.connections.ConnectedDevice;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleRegistry;
import io.vertx.core.Future;
import java.util.concurrent.TimeoutException;

/**
 * Invokes a direct method on a device or a module, over whichever transport it is connected by: waits (bounded) for it to be
 * online, sends the request, and waits (bounded) for its answer. Fails only with
 * {@link io.github.iothubquickstart.localhub.errors.IotHubError}.
 */
public final class DirectMethodService {
    private final DeviceRegistry registry;
    private final ModuleRegistry modules;
    private final ConnectedDevices devices;
    private final PendingMethodCalls pendingCalls;
    private final MethodCallQuota quota;

    public DirectMethodService(DeviceRegistry registry, ModuleRegistry modules, ConnectedDevices devices,
                               PendingMethodCalls pendingCalls, int maxCallsPerDevice, int maxCallsInFlight) {
        this.registry = registry;
        this.modules = modules;
        this.devices = devices;
        this.pendingCalls = pendingCalls;
        this.quota = new MethodCallQuota(maxCallsPerDevice, maxCallsInFlight);
        devices.onConnectionEnded(pendingCalls::connectionEnded);
    }

    public Future<MethodResult> invoke(String deviceId, MethodRequest request) {
        return invoke(IdentityId.device(deviceId), request);
    }

    /** Invokes the method on the device, or on the module of the device; only that connection can answer. */
    public Future<MethodResult> invoke(IdentityId target, MethodRequest request) {
        if (registry.findDevice(target.deviceId()).isEmpty()) {
            return Future.failedFuture(IotHubErrors.deviceNotFound(target.deviceId()));
        }
        if (target.isModule() && modules.findModule(target.deviceId(), target.moduleId()).isEmpty()) {
            return Future.failedFuture(IotHubErrors.moduleNotFound(target.deviceId(), target.moduleId()));
        }
        String key = target.toString();
        String refusal = quota.tryAcquire(key);
        if (refusal != null) {
            return Future.failedFuture(IotHubErrors.throttled("Too many requests: " + refusal + "; retry later."));
        }
        return devices.awaitMethodsReady(target, request.connectTimeout())
                .recover(notOnline -> Future.failedFuture(IotHubErrors.deviceNotOnline(key)))
                .compose(device -> call(device, request))
                .andThen(done -> quota.release(key));
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
                ? IotHubErrors.gatewayTimeout(device.identity().toString(), (int) request.responseTimeout().toSeconds())
                : IotHubErrors.deviceDisconnected(device.identity().toString())));
    }
}
