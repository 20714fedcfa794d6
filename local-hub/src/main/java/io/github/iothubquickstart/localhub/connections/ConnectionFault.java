package io.github.iothubquickstart.localhub.connections;

/**
 * A break the hub can inflict on one device's connection when asked to (IoT Hub's fault injection): the whole
 * socket, one layer of AMQP, or one of the device's AMQP links. A transport implements those that exist on it.
 */
public enum ConnectionFault {
    /** The socket closed without a goodbye. Every transport. */
    KILL_TCP,
    /** The AMQP connection closed with an error. */
    KILL_AMQP_CONNECTION,
    /** The device's AMQP session ended with an error. */
    KILL_AMQP_SESSION,
    /** The $cbs link the client puts tokens on, detached with an error. */
    KILL_AMQP_CBS_REQUEST_LINK,
    /** The $cbs link the hub answers on, detached with an error. */
    KILL_AMQP_CBS_RESPONSE_LINK,
    /** The device's telemetry link. */
    KILL_AMQP_TELEMETRY_LINK,
    /** The device's cloud-to-device link. */
    KILL_AMQP_CLOUD_TO_DEVICE_LINK,
    /** The link the hub sends method requests on. */
    KILL_AMQP_METHOD_REQUEST_LINK,
    /** The link the device answers methods on. */
    KILL_AMQP_METHOD_RESPONSE_LINK,
    /** The link the device sends twin requests on. */
    KILL_AMQP_TWIN_REQUEST_LINK,
    /** The link the hub answers twin requests and pushes desired properties on. */
    KILL_AMQP_TWIN_RESPONSE_LINK,
    /** The AMQP connection closed without an error, as a hub going away for maintenance does. */
    SHUT_DOWN_AMQP,
    /**
     * The device's telemetry refused, message by message, for a while (throttling, quota, authorization): AMQP's
     * disposition can refuse one message. An MQTT PUBLISH cannot be refused, only its connection closed, and IoT
     * Hub's refusal faults are AMQP's (the device SDK's own throttling tests skip MQTT).
     */
    REFUSE_TELEMETRY,
    /** The MQTT connection closed in order (MQTT 3.1.1 has no server DISCONNECT: the socket closes once flushed). */
    SHUT_DOWN_MQTT
}
