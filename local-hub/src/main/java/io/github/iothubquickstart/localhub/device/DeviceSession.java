package io.github.iothubquickstart.localhub.device;

import io.github.iothubquickstart.localhub.mqtt.DeviceTopics.Subscription;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttEndpoint;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated device connection. The MQTT endpoint belongs to its event loop, so everything that touches it
 * from elsewhere (a REST call invoking a method) is handed to that loop.
 */
public final class DeviceSession {
    /** Debug level shows every message sent to a device (-Dorg.slf4j.simpleLogger.log.<this class>=debug). */
    private static final Logger LOG = LoggerFactory.getLogger(DeviceSession.class);
    private final String deviceId;
    private final MqttEndpoint endpoint;
    private final Context context;
    private final AtomicBoolean methodsSubscribed = new AtomicBoolean();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicBoolean desiredPropertiesSubscribed = new AtomicBoolean();
    private final AtomicLong lastActivityMillis = new AtomicLong();
    /** Confined to the connection's event loop. */
    private final Set<Subscription> subscriptions;
    private final boolean persistent;

    /**
     * @param subscriptions what the device is subscribed to from the start (restored from its persistent session)
     * @param persistent    clean session 0: the subscriptions outlive this connection
     */
    public DeviceSession(String deviceId, MqttEndpoint endpoint, Context context, Set<Subscription> subscriptions,
                         boolean persistent) {
        this.deviceId = deviceId;
        this.endpoint = endpoint;
        this.context = context;
        this.subscriptions = subscriptions.isEmpty() ? EnumSet.noneOf(Subscription.class) : EnumSet.copyOf(subscriptions);
        this.persistent = persistent;
        // A restored session receives desired property updates without subscribing again.
        this.desiredPropertiesSubscribed.set(subscriptions.contains(Subscription.TWIN_DESIRED));
    }

    public boolean isPersistent() {
        return persistent;
    }

    public Set<Subscription> subscriptions() {
        return subscriptions.isEmpty() ? EnumSet.noneOf(Subscription.class) : EnumSet.copyOf(subscriptions);
    }

    /** Returns true when the set changed. */
    public boolean subscribe(Subscription subscription) {
        return subscriptions.add(subscription);
    }

    /** Returns true when the set changed. */
    public boolean unsubscribe(Subscription subscription) {
        return subscriptions.remove(subscription);
    }

    public String deviceId() {
        return deviceId;
    }

    public boolean isOpen() {
        return open.get();
    }

    /** True once the device subscribed to direct methods: only then can it be called. */
    public boolean acceptsMethods() {
        return open.get() && methodsSubscribed.get();
    }

    void methodsSubscribed(boolean subscribed) {
        methodsSubscribed.set(subscribed);
    }

    /** True once the device subscribed to desired property updates: only then does the hub send them. */
    public boolean acceptsDesiredProperties() {
        return open.get() && desiredPropertiesSubscribed.get();
    }

    public void desiredPropertiesSubscribed(boolean subscribed) {
        desiredPropertiesSubscribed.set(subscribed);
    }

    /** Records that the device sent something at {@code epochMillis} (IoT Hub's lastActivityTime). */
    public void active(long epochMillis) {
        lastActivityMillis.set(epochMillis);
    }

    public long lastActivityMillis() {
        return lastActivityMillis.get();
    }

    /** True for the one caller that closes the session; false if it was closed already. */
    boolean markClosed() {
        return open.compareAndSet(true, false);
    }

    /** Sends a hub-to-device message at QoS 0, as IoT Hub does for method requests. */
    public void publish(String topic, Buffer payload) {
        context.runOnContext(ignored -> {
            if (open.get() && endpoint.isConnected()) {
                LOG.debug("To device {}: {}", deviceId, topic);
                endpoint.publish(topic, payload, MqttQoS.AT_MOST_ONCE, false, false);
            } else {
                LOG.debug("Not sent to device {}, its connection closed: {}", deviceId, topic);
            }
        });
    }

    /** Drops the connection, e.g. because the same device connected again. */
    public void close() {
        context.runOnContext(ignored -> {
            if (endpoint.isConnected()) {
                endpoint.close();
            }
        });
    }

    @Override
    public String toString() {
        return "DeviceSession[" + deviceId + " from " + endpoint.remoteAddress() + "]";
    }
}
