package io.github.iothubquickstart.localhub.faults;

import io.github.iothubquickstart.localhub.connections.ConnectionFault;
import java.util.Arrays;
import java.util.Optional;

/** The values of {@code AzIoTHub_FaultOperationType} IoT Hub honours, and the connection fault each one is. */
public enum FaultType {
    KILL_TCP("KillTcp", ConnectionFault.KILL_TCP),
    KILL_AMQP_CONNECTION("KillAmqpConnection", ConnectionFault.KILL_AMQP_CONNECTION),
    KILL_AMQP_SESSION("KillAmqpSession", ConnectionFault.KILL_AMQP_SESSION),
    KILL_AMQP_CBS_LINK_REQ("KillAmqpCBSLinkReq", ConnectionFault.KILL_AMQP_CBS_REQUEST_LINK),
    KILL_AMQP_CBS_LINK_RESP("KillAmqpCBSLinkResp", ConnectionFault.KILL_AMQP_CBS_RESPONSE_LINK),
    KILL_AMQP_D2C_LINK("KillAmqpD2CLink", ConnectionFault.KILL_AMQP_TELEMETRY_LINK),
    KILL_AMQP_C2D_LINK("KillAmqpC2DLink", ConnectionFault.KILL_AMQP_CLOUD_TO_DEVICE_LINK),
    KILL_AMQP_METHOD_REQ_LINK("KillAmqpMethodReqLink", ConnectionFault.KILL_AMQP_METHOD_REQUEST_LINK),
    KILL_AMQP_METHOD_RESP_LINK("KillAmqpMethodRespLink", ConnectionFault.KILL_AMQP_METHOD_RESPONSE_LINK),
    KILL_AMQP_TWIN_LINK_REQ("KillAmqpTwinLinkReq", ConnectionFault.KILL_AMQP_TWIN_REQUEST_LINK),
    KILL_AMQP_TWIN_LINK_RESP("KillAmqpTwinLinkResp", ConnectionFault.KILL_AMQP_TWIN_RESPONSE_LINK),
    SHUT_DOWN_AMQP("ShutDownAmqp", ConnectionFault.SHUT_DOWN_AMQP),
    SHUT_DOWN_MQTT("ShutDownMqtt", ConnectionFault.SHUT_DOWN_MQTT),
    /** The device's telemetry refused as throttled for the duration. */
    INVOKE_THROTTLING("InvokeThrottling", null),
    /** The device's telemetry refused as over the hub's daily message quota for the duration. */
    INVOKE_MAX_MESSAGE_QUOTA("InvokeMaxMessageQuota", null),
    /** The device's telemetry refused as unauthorized for the duration. */
    INVOKE_AUTH_ERROR("InvokeAuthError", null);

    private final String wireName;
    private final ConnectionFault connectionFault;

    FaultType(String wireName, ConnectionFault connectionFault) {
        this.wireName = wireName;
        this.connectionFault = connectionFault;
    }

    /** As IoT Hub spells it in {@code AzIoTHub_FaultOperationType}. */
    public String wireName() {
        return wireName;
    }

    /** The break this fault inflicts on the connection; null for those that refuse telemetry for a while instead. */
    public ConnectionFault connectionFault() {
        return connectionFault;
    }

    /** Whether this fault refuses the device's telemetry for its duration rather than breaking its connection. */
    public boolean refusesTelemetry() {
        return connectionFault == null;
    }

    /** The type named {@code wireName} (exact spelling, as IoT Hub compares it), or empty. */
    public static Optional<FaultType> named(String wireName) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(wireName)).findFirst();
    }
}
