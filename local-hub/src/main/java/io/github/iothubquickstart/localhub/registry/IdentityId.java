package io.github.iothubquickstart.localhub.registry;

import java.util.Objects;

/**
 * Who a connection or a twin belongs to: a device, or one module of a device ({@code moduleId} null for the device
 * itself). IoT Hub ids never contain {@code /}, so {@link #toString()} ({@code d} or {@code d/m}, as IoT Hub writes a
 * module's MQTT client id) is unambiguous.
 */
public record IdentityId(String deviceId, String moduleId) {

    public IdentityId {
        Objects.requireNonNull(deviceId, "deviceId");
    }

    public static IdentityId device(String deviceId) {
        return new IdentityId(deviceId, null);
    }

    public static IdentityId module(String deviceId, String moduleId) {
        return new IdentityId(deviceId, Objects.requireNonNull(moduleId, "moduleId"));
    }

    public boolean isModule() {
        return moduleId != null;
    }

    @Override
    public String toString() {
        return moduleId == null ? deviceId : deviceId + "/" + moduleId;
    }
}
