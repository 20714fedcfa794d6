package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.telemetry.TelemetryPartitions;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonSender;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.AmqpError;

/**
 * The event hub's partitions, {@code <hub name>/ConsumerGroups/<group>/Partitions/<id>}: a back-end whose policy has
 * ServiceConnect attaches a receiver and gets the partition's telemetry from the position its filter names. An
 * unknown consumer group is refused with {@code amqp:not-found} and an unknown partition with
 * {@code com.microsoft:argument-out-of-range}, as Event Hubs refuses them (the SDKs throw their "not found" and
 * "argument out of range" errors).
 */
final class EventHubsPartitionNode implements ServiceNode {
    static final Symbol ARGUMENT_OUT_OF_RANGE = Symbol.valueOf("com.microsoft:argument-out-of-range");
    static final Symbol ARGUMENT_ERROR = Symbol.valueOf("com.microsoft:argument-error");

    private final Vertx vertx;
    private final EventHubsEndpoint endpoint;

    EventHubsPartitionNode(Vertx vertx, EventHubsEndpoint endpoint) {
        this.vertx = vertx;
        this.endpoint = endpoint;
    }

    @Override
    public boolean serves(String address) {
        EventHubsAddress parsed = EventHubsAddress.parse(address);
        return parsed != null && endpoint.isNamed(parsed.entity());
    }

    @Override
    public AccessRight requiredRight() {
        return AccessRight.SERVICE_CONNECT;
    }

    @Override
    public boolean coversAudience(String path) {
        return endpoint.coversAudience(path);
    }

    @Override
    public void attach(ProtonSender sender, ServiceLink link) {
        EventHubsAddress address = EventHubsAddress.parse(link.address());
        if (endpoint.consumerGroup(address.consumerGroup()).isEmpty()) {
            link.refuse(AmqpError.NOT_FOUND, "The messaging entity '" + endpoint.name() + "/ConsumerGroups/"
                    + DeviceAddresses.printable(address.consumerGroup()) + "' could not be found: the hub's consumer"
                    + " groups are " + endpoint.consumerGroups() + " (start it with --consumer-group NAME for more).");
            return;
        }
        TelemetryPartitions partitions = endpoint.telemetry().partitions();
        int partition = partitions.parse(address.partitionId());
        if (partition < 0) {
            link.refuse(ARGUMENT_OUT_OF_RANGE, "The specified partition '"
                    + DeviceAddresses.printable(address.partitionId()) + "' is invalid for an EventHub partition"
                    + " receiver. It should be between 0 and " + (partitions.count() - 1) + ".");
            return;
        }
        EventPositionFilter.Start start;
        try {
            start = EventPositionFilter.startOf(sender.getRemoteSource());
        } catch (EventPositionFilter.InvalidFilterException e) {
            link.refuse(ARGUMENT_ERROR, e.getMessage());
            return;
        }
        sender.setSource(sender.getRemoteSource());
        sender.setQoS(ProtonQoS.AT_LEAST_ONCE);
        sender.open();
        new PartitionReceiver(vertx, vertx.getOrCreateContext(), sender, endpoint.telemetry(), partition, link)
                .start(start);
    }
}
