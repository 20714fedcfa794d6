package io.github.iothubquickstart.localhub.connections;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.registry.IdentityId;

/**
 * What the hub can do to one connected device (or module of a device), whatever protocol it speaks: each device transport (MQTT today,
 * AMQP later) implements it, and turns each call into its own wire format. Calls come from any thread; an
 * implementation hands them to the thread that owns its connection, and drops them once the connection is closed.
 */
public interface DeviceConnection {

    String deviceId();

    /** The device, or the module of the device, on the other end; by default the device itself. */
    default IdentityId identity() {
        return IdentityId.device(deviceId());
    }

    /**
     * Sends a direct method request; the device answers under {@code requestId}.
     *
     * @param payloadJson the method's JSON payload as it goes to the device; empty when the caller sent none
     */
    void sendMethodRequest(String requestId, String methodName, String payloadJson);

    /**
     * Sends a change of the device's desired properties.
     *
     * @param patch   what changed; a null member means the property was removed
     * @param version the desired properties' {@code $version} after the change
     */
    void sendDesiredProperties(JsonObject patch, long version);

    /** Drops the connection, e.g. because the device was disabled or connected again elsewhere. */
    void close();

    /** Whether {@code fault} exists on this connection's protocol; none do by default. */
    default boolean canSuffer(ConnectionFault fault) {
        return false;
    }

    /**
     * Breaks this connection as {@code fault} says (IoT Hub's fault injection), {@code reason} going in the error
     * description where the protocol has one; does nothing when it {@linkplain #canSuffer cannot suffer} it or has
     * closed already.
     */
    default void suffer(ConnectionFault fault, String reason) {
    }
}
