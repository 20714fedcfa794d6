package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.telemetry.PartitionReaders;
import io.github.iothubquickstart.localhub.telemetry.TelemetryPartitions;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonSender;
import java.util.Arrays;
import java.util.Optional;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;

/**
 * The event hub's partitions, {@code <hub name>/ConsumerGroups/<group>/Partitions/<id>}: a back-end whose policy has
 * ServiceConnect attaches a receiver and gets the partition's telemetry from the position its filter names. An
 * unknown consumer group is refused with {@code amqp:not-found} and an unknown partition with
 * {@code com.microsoft:argument-out-of-range}, as Event Hubs refuses them (the SDKs throw their "not found" and
 * "argument out of range" errors). Who may read a partition of a group follows Event Hubs' owner levels and its
 * limit of readers ({@link PartitionReaders}); a receiver that desires
 * {@code com.microsoft:enable-receiver-runtime-metric} gets the partition's last enqueued event with each event.
 */
final class EventHubsPartitionNode implements ServiceNode {
    static final Symbol ARGUMENT_OUT_OF_RANGE = Symbol.valueOf("com.microsoft:argument-out-of-range");
    static final Symbol ARGUMENT_ERROR = Symbol.valueOf("com.microsoft:argument-error");
    /** What a receiver desires when it tracks the last enqueued event ({@code trackLastEnqueuedEventProperties}). */
    static final Symbol RUNTIME_METRIC = Symbol.valueOf("com.microsoft:enable-receiver-runtime-metric");

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
        Context context = vertx.getOrCreateContext();
        PartitionReaderLink reader;
        try {
            reader = PartitionReaderLink.of(sender, context, link.who());
        } catch (PartitionReaderLink.InvalidOwnerLevelException e) {
            link.refuse(ARGUMENT_ERROR, e.getMessage());
            return;
        }
        String group = endpoint.consumerGroup(address.consumerGroup()).orElseThrow();
        PartitionReaders readers = endpoint.readers();
        Optional<PartitionReaders.Refusal> refusal = readers.admit(group, partition, reader);
        if (refusal.isPresent()) {
            ErrorCondition condition = PartitionReaderLink.refusal(refusal.get(), reader);
            link.refuse(condition.getCondition(), condition.getDescription());
            return;
        }
        link.onGone(() -> readers.leave(group, partition, reader));
        boolean runtimeMetrics = asks(sender, RUNTIME_METRIC);
        sender.setSource(sender.getRemoteSource());
        sender.setQoS(ProtonQoS.AT_LEAST_ONCE);
        if (runtimeMetrics) {
            sender.setOfferedCapabilities(new Symbol[] {RUNTIME_METRIC});
        }
        sender.open();
        new PartitionReceiver(vertx, context, sender, endpoint.telemetry(), partition, link, runtimeMetrics)
                .start(start);
    }

    private static boolean asks(ProtonSender sender, Symbol capability) {
        Symbol[] desired = sender.getRemoteDesiredCapabilities();
        return desired != null && Arrays.asList(desired).contains(capability);
    }
}
