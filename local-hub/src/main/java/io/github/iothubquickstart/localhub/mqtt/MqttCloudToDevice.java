package io.github.iothubquickstart.localhub.mqtt;

import io.github.iothubquickstart.localhub.cloudtodevice.Acknowledgement;
import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceQueues;
import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceReceiver;
import io.github.iothubquickstart.localhub.cloudtodevice.LockToken;
import io.github.iothubquickstart.localhub.cloudtodevice.QueuedMessage;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's subscription to {@code devices/{id}/messages/devicebound/#}, or a module's to
 * {@code devices/{id}/modules/{mid}/messages/devicebound/#}: the hub publishes its cloud-to-device
 * messages there at QoS 1, IoT Hub's system properties in the topic's property bag, and the device's PUBACK
 * completes a message (MQTT has no way to reject or abandon one). A message not acknowledged when the connection
 * ends goes back to the queue and comes again on the next connection; one not acknowledged within the lock timeout
 * comes again on this one, in a new PUBLISH, and the late PUBACK of the old one completes nothing.
 */
final class MqttCloudToDevice implements CloudToDeviceReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(MqttCloudToDevice.class);
    /** MQTT packet ids are 1 to 65535. */
    private static final int MAX_PACKET_ID = 65_535;

    private final IdentityId identity;
    private final MqttEndpoint endpoint;
    private final Context context;
    private final CloudToDeviceQueues queues;
    /** Packet id to the delivery it carried; confined to the connection's event loop. */
    private final Map<Integer, LockToken> awaitingAcknowledgement = new HashMap<>();
    private int lastPacketId;

    MqttCloudToDevice(IdentityId identity, MqttEndpoint endpoint, Context context, CloudToDeviceQueues queues) {
        this.identity = identity;
        this.endpoint = endpoint;
        this.context = context;
        this.queues = queues;
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
    public void deliver(QueuedMessage message) {
        context.runOnContext(ignored -> {
            if (!endpoint.isConnected()) {
                return;
            }
            int packetId = nextPacketId();
            awaitingAcknowledgement.put(packetId, message.lockToken());
            String topic = topic(message);
            LOG.debug("To {}: {}", identity, topic);
            endpoint.publish(topic, Buffer.buffer(message.body()), MqttQoS.AT_LEAST_ONCE, false, false, packetId);
        });
    }

    /** A PUBACK from the device; on the connection's event loop. */
    void acknowledged(int packetId) {
        LockToken delivery = awaitingAcknowledgement.remove(packetId);
        if (delivery != null) {
            // False when the lock lapsed first: the message is queued again, as on IoT Hub.
            queues.complete(this, delivery);
        }
    }

    /** The topic, with the property bag as IoT Hub writes it. */
    static String topic(QueuedMessage message) {
        Map<String, String> system = new LinkedHashMap<>();
        put(system, "$.mid", message.messageId());
        put(system, "$.cid", message.correlationId());
        put(system, "$.uid", message.userId());
        system.put("$.to", "/devices/" + message.deviceId()
                + (message.moduleId() == null ? "" : "/modules/" + message.moduleId()) + "/messages/deviceBound");
        system.put("$.exp", Instant.ofEpochMilli(message.expiryMillis()).toString());
        put(system, "$.ct", message.contentType());
        put(system, "$.ce", message.contentEncoding());
        Map<String, String> application = new LinkedHashMap<>();
        // IoT Hub names the ack only when one was asked for: Node's MQTT transport hands every name to the device's
        // application properties, where an "iothub-ack=none" nobody set does not belong.
        if (message.ack() != Acknowledgement.NONE) {
            application.put(Acknowledgement.PROPERTY, message.ack().wireName());
        }
        application.putAll(message.properties());
        return DeviceTopics.cloudToDeviceMessage(message.identity(), new PropertyBag(system, application).encode());
    }

    private int nextPacketId() {
        lastPacketId = lastPacketId % MAX_PACKET_ID + 1;
        return lastPacketId;
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    @Override
    public String toString() {
        return "MQTT devicebound subscription of " + identity;
    }
}
