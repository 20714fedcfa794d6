package io.github.iothubquickstart.localhub.mqtt;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.connections.ConnectionFault;
import io.github.iothubquickstart.localhub.connections.DeviceConnection;
import io.github.iothubquickstart.localhub.mqtt.DeviceTopics.Subscription;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.twin.TwinRequestsInFlight;
import io.github.iothubquickstart.localhub.wire.TwinJson;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated device on MQTT: turns the hub's requests into IoT Hub's topics and payloads, and keeps the
 * device's subscriptions. The endpoint belongs to its event loop, so whatever comes from elsewhere (a REST call
 * invoking a method) is handed to that loop.
 */
final class MqttDeviceConnection implements DeviceConnection {
    /** Debug level shows every message sent to a device (-Dorg.slf4j.simpleLogger.log.<this class>=debug). */
    private static final Logger LOG = LoggerFactory.getLogger(MqttDeviceConnection.class);

    private final IdentityId identity;
    private final MqttEndpoint endpoint;
    private final Context context;
    private final boolean persistent;
    /** Confined to the connection's event loop. */
    private final Set<Subscription> subscriptions;
    private final TwinRequestsInFlight twinRequestsInFlight = new TwinRequestsInFlight();

    /**
     * @param subscriptions what the device is subscribed to from the start (restored from its persistent session)
     * @param persistent    clean session 0: the subscriptions outlive this connection
     */
    MqttDeviceConnection(IdentityId identity, MqttEndpoint endpoint, Context context, Set<Subscription> subscriptions,
                         boolean persistent) {
        this.identity = identity;
        this.endpoint = endpoint;
        this.context = context;
        this.subscriptions = subscriptions.isEmpty() ? EnumSet.noneOf(Subscription.class) : EnumSet.copyOf(subscriptions);
        this.persistent = persistent;
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
        publish(DeviceTopics.methodRequest(methodName, requestId), Buffer.buffer(payloadJson));
    }

    @Override
    public void sendDesiredProperties(JsonObject patch, long version) {
        publish(DeviceTopics.desiredPropertiesPatch(version),
                Buffer.buffer(TwinJson.desiredNotification(patch, version).toString()));
    }

    /** Sends a hub-to-device message at QoS 0, as IoT Hub does for method requests and twin answers. */
    void publish(String topic, Buffer payload) {
        context.runOnContext(ignored -> {
            if (endpoint.isConnected()) {
                LOG.debug("To {}: {}", identity, topic);
                endpoint.publish(topic, payload, MqttQoS.AT_MOST_ONCE, false, false);
            } else {
                LOG.debug("Not sent to {}, its connection closed: {}", identity, topic);
            }
        });
    }

    @Override
    public void close() {
        context.runOnContext(ignored -> {
            if (endpoint.isConnected()) {
                endpoint.close();
            }
        });
    }

    @Override
    public boolean canSuffer(ConnectionFault fault) {
        return fault == ConnectionFault.KILL_TCP || fault == ConnectionFault.SHUT_DOWN_MQTT;
    }

    /**
     * Both close the socket: MQTT 3.1.1 gives a server no way to say goodbye, so the device sees its connection lost
     * either way and reconnects.
     */
    @Override
    public void suffer(ConnectionFault fault, String reason) {
        if (canSuffer(fault)) {
            context.runOnContext(ignored -> {
                if (endpoint.isConnected()) {
                    LOG.info("Fault {} ({}) on {}", fault, reason, this);
                    endpoint.close();
                }
            });
        }
    }

    TwinRequestsInFlight twinRequestsInFlight() {
        return twinRequestsInFlight;
    }

    boolean isPersistent() {
        return persistent;
    }

    Set<Subscription> subscriptions() {
        return subscriptions.isEmpty() ? EnumSet.noneOf(Subscription.class) : EnumSet.copyOf(subscriptions);
    }

    /** Returns true when the set changed. */
    boolean subscribe(Subscription subscription) {
        return subscriptions.add(subscription);
    }

    /** Returns true when the set changed. */
    boolean unsubscribe(Subscription subscription) {
        return subscriptions.remove(subscription);
    }

    @Override
    public String toString() {
        return "MQTT " + (identity.isModule() ? "module " : "device ") + identity + " from " + endpoint.remoteAddress();
    }
}
