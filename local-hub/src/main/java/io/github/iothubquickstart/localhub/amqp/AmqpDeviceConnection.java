package io.github.iothubquickstart.localhub.amqp;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.connections.ConnectionFault;
import io.github.iothubquickstart.localhub.connections.DeviceConnection;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.twin.TwinRequestsInFlight;
import io.vertx.core.Context;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonSender;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device (or module of a device) on an AMQP connection, as the hub's features see it: the links it opened with its token, direct method
 * requests sent on its methods link, twin answers and desired-property notifications on its twin link. Links belong
 * to the connection's event loop.
 */
final class AmqpDeviceConnection implements DeviceConnection {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpDeviceConnection.class);
    static final String METHOD_NAME = "IoThub-methodname";

    private final IdentityId identity;
    private final String remoteAddress;
    private final Context context;
    private final Consumer<AmqpDeviceConnection> closer;
    private final FaultHandler faults;
    private final TwinRequestsInFlight twinRequestsInFlight = new TwinRequestsInFlight();
    /** Confined to the connection's event loop. */
    private final List<ProtonLink<?>> links = new ArrayList<>();
    /** Each link by the fault that detaches it; confined to the connection's event loop. */
    private final Map<ConnectionFault, ProtonLink<?>> linksByFault = new EnumMap<>(ConnectionFault.class);
    private ProtonSender methodRequests;
    private ProtonSender twin;
    private AmqpCloudToDeviceLink cloudToDevice;

    /** Breaks the AMQP connection, session or link a fault names, for one device; on the connection's event loop. */
    @FunctionalInterface
    interface FaultHandler {
        void suffer(AmqpDeviceConnection device, ConnectionFault fault, String reason);
    }

    /** The faults an AMQP connection can suffer (every one but MQTT's). */
    private static final EnumSet<ConnectionFault> FAULTS = EnumSet.complementOf(EnumSet.of(ConnectionFault.SHUT_DOWN_MQTT));

    /**
     * @param closer ends this device on its AMQP connection (on the connection's event loop)
     * @param faults breaks what a fault names (on the connection's event loop)
     */
    AmqpDeviceConnection(IdentityId identity, String remoteAddress, Context context,
                         Consumer<AmqpDeviceConnection> closer, FaultHandler faults) {
        this.faults = faults;
        this.identity = identity;
        this.remoteAddress = remoteAddress;
        this.context = context;
        this.closer = closer;
    }

    @Override
    public String deviceId() {
        return identity.deviceId();
    }

    @Override
    public IdentityId identity() {
        return identity;
    }

    /** As IoT Hub sends it: correlation id, method name in {@code IoThub-methodname}, the JSON payload as data. */
    @Override
    public void sendMethodRequest(String requestId, String methodName, String payloadJson) {
        Message request = Message.Factory.create();
        Properties properties = new Properties();
        properties.setCorrelationId(MethodRequestIds.toCorrelationId(requestId));
        request.setProperties(properties);
        request.setApplicationProperties(new ApplicationProperties(Map.of(METHOD_NAME, methodName)));
        request.setBody(new Data(new Binary(payloadJson.getBytes(StandardCharsets.UTF_8))));
        context.runOnContext(ignored -> {
            if (methodRequests != null && methodRequests.isOpen()) {
                LOG.debug("To {} over AMQP: method {} ({})", identity, methodName, requestId);
                methodRequests.send(request);
            } else {
                LOG.debug("Method {} not sent to {}: its methods link is closed", methodName, identity);
            }
        });
    }

    @Override
    public void sendDesiredProperties(JsonObject patch, long version) {
        Message notification = AmqpTwinRequests.desiredNotification(patch, version);
        context.runOnContext(ignored -> sendOnTwinLink(notification));
    }

    TwinRequestsInFlight twinRequestsInFlight() {
        return twinRequestsInFlight;
    }

    /** On the connection's event loop: a twin answer or notification, dropped once the twin link has closed. */
    void sendOnTwinLink(Message message) {
        if (twin != null && twin.isOpen()) {
            twin.send(message);
        } else {
            LOG.debug("Not sent to {}, its twin link is closed", identity);
        }
    }

    @Override
    public void close() {
        context.runOnContext(ignored -> closer.accept(this));
    }

    @Override
    public boolean canSuffer(ConnectionFault fault) {
        return FAULTS.contains(fault);
    }

    @Override
    public void suffer(ConnectionFault fault, String reason) {
        if (canSuffer(fault)) {
            context.runOnContext(ignored -> faults.suffer(this, fault, reason));
        }
    }

    /** The device's open link that {@code fault} detaches, or null; confined to the connection's event loop. */
    ProtonLink<?> linkKilledBy(ConnectionFault fault) {
        return linksByFault.get(fault);
    }

    /** The link method requests go out on; confined to the connection's event loop. */
    void methodRequests(ProtonSender sender) {
        this.methodRequests = sender;
    }

    boolean sendsMethodRequestsOn(ProtonSender sender) {
        return methodRequests == sender;
    }

    /** The link twin answers and desired properties go out on; confined to the connection's event loop. */
    void twin(ProtonSender sender) {
        this.twin = sender;
    }

    boolean sendsTwinOn(ProtonSender sender) {
        return twin == sender;
    }

    /** The link cloud-to-device messages go out on, or null; confined to the connection's event loop. */
    AmqpCloudToDeviceLink cloudToDevice() {
        return cloudToDevice;
    }

    void cloudToDevice(AmqpCloudToDeviceLink link) {
        this.cloudToDevice = link;
    }

    /** @param killedBy the fault that detaches this link */
    void add(ProtonLink<?> link, ConnectionFault killedBy) {
        links.add(link);
        linksByFault.put(killedBy, link);
    }

    void remove(ProtonLink<?> link) {
        links.remove(link);
        linksByFault.values().remove(link);
    }

    /** Takes the links away from this device, e.g. to close them. */
    List<ProtonLink<?>> takeLinks() {
        List<ProtonLink<?>> taken = new ArrayList<>(links);
        links.clear();
        linksByFault.clear();
        return taken;
    }

    @Override
    public String toString() {
        return "AMQP " + (identity.isModule() ? "module " : "device ") + identity + " from " + remoteAddress;
    }
}
