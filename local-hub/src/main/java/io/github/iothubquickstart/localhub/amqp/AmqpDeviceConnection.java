package io.github.iothubquickstart.localhub.amqp;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.connections.DeviceConnection;
import io.vertx.core.Context;
import io.vertx.proton.ProtonLink;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device on an AMQP connection, as the hub's features see it: the links it opened with its token. The hub
 * reaches it over AMQP for telemetry only so far; method requests and desired properties are not sent (the
 * connection never says it accepts them, so the features do not ask). Links belong to the connection's event loop.
 */
final class AmqpDeviceConnection implements DeviceConnection {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpDeviceConnection.class);

    private final String deviceId;
    private final String remoteAddress;
    private final Context context;
    private final Consumer<AmqpDeviceConnection> closer;
    /** Confined to the connection's event loop. */
    private final List<ProtonLink<?>> links = new ArrayList<>();

    /** @param closer ends this device on its AMQP connection (on the connection's event loop) */
    AmqpDeviceConnection(String deviceId, String remoteAddress, Context context, Consumer<AmqpDeviceConnection> closer) {
        this.deviceId = deviceId;
        this.remoteAddress = remoteAddress;
        this.context = context;
        this.closer = closer;
    }

    @Override
    public String deviceId() {
        return deviceId;
    }

    @Override
    public void sendMethodRequest(String requestId, String methodName, String payloadJson) {
        LOG.debug("Method {} not sent to device {}: direct methods over AMQP are not supported yet", methodName, deviceId);
    }

    @Override
    public void sendDesiredProperties(JsonObject patch, long version) {
        LOG.debug("Desired properties {} not sent to device {}: twins over AMQP are not supported yet", version, deviceId);
    }

    @Override
    public void close() {
        context.runOnContext(ignored -> closer.accept(this));
    }

    void add(ProtonLink<?> link) {
        links.add(link);
    }

    void remove(ProtonLink<?> link) {
        links.remove(link);
    }

    /** Takes the links away from this device, e.g. to close them. */
    List<ProtonLink<?>> takeLinks() {
        List<ProtonLink<?>> taken = new ArrayList<>(links);
        links.clear();
        return taken;
    }

    @Override
    public String toString() {
        return "AMQP device " + deviceId + " from " + remoteAddress;
    }
}
