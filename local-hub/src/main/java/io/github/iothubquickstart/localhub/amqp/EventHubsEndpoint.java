package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.telemetry.PartitionedTelemetry;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * IoT Hub's built-in Event Hubs-compatible endpoint: the hub's telemetry as one event hub named after the hub, split
 * into partitions, read by consumer groups ({@value #DEFAULT_CONSUMER_GROUP} and those configured) through the Event
 * Hubs SDKs' partition receivers and their {@code $management} node. Read-only, as IoT Hub's is. Its nodes join the
 * hub's AMQP listeners through {@link AmqpConnectionHandler#withEventHubs}.
 */
public final class EventHubsEndpoint {
    public static final String DEFAULT_CONSUMER_GROUP = "$Default";
    /** IoT Hub allows 20 consumer groups per built-in endpoint (S tiers). */
    public static final int MAX_CONSUMER_GROUPS = 20;

    private final String name;
    private final PartitionedTelemetry telemetry;
    /** Lower-cased name to name as configured: Event Hubs compares consumer group names without case. */
    private final Map<String, String> consumerGroups = new LinkedHashMap<>();
    private final Instant createdAt;
    private final List<ServiceNode> nodes;

    /**
     * @param name           the event hub's name (the hub's name, as on IoT Hub)
     * @param consumerGroups groups besides {@value #DEFAULT_CONSUMER_GROUP}
     * @param createdAt      what {@code $management} says the event hub was created at
     */
    public EventHubsEndpoint(Vertx vertx, String name, PartitionedTelemetry telemetry, Collection<String> consumerGroups,
                             Instant createdAt, ServiceAuthenticator services) {
        this.name = requireHubName(name);
        this.telemetry = telemetry;
        this.createdAt = createdAt;
        this.consumerGroups.put(DEFAULT_CONSUMER_GROUP.toLowerCase(Locale.ROOT), DEFAULT_CONSUMER_GROUP);
        for (String group : consumerGroups) {
            this.consumerGroups.putIfAbsent(requireConsumerGroup(group).toLowerCase(Locale.ROOT), group);
        }
        if (this.consumerGroups.size() > MAX_CONSUMER_GROUPS) {
            throw new IllegalArgumentException("At most " + MAX_CONSUMER_GROUPS + " consumer groups, as on IoT Hub.");
        }
        ClaimsBasedSecurity security = new ClaimsBasedSecurity(null, services, this::coversAudience);
        this.nodes = List.of(new EventHubsPartitionNode(vertx, this), new EventHubsManagementNode(vertx, this, security));
    }

    /** IoT Hub's rules for a hub name: 3 to 50 letters, digits and hyphens. */
    public static String requireHubName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9-]{3,50}")) {
            throw new IllegalArgumentException("A hub name is 3 to 50 letters, digits and hyphens, not \"" + name + "\".");
        }
        return name;
    }

    /** Event Hubs' rules for a consumer group name: 1 to 50 letters, digits, periods, hyphens and underscores. */
    public static String requireConsumerGroup(String group) {
        if (group == null || !group.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,49}|\\$Default")) {
            throw new IllegalArgumentException("A consumer group name is 1 to 50 letters, digits, '.', '-' and '_',"
                    + " starting with a letter or digit, not \"" + group + "\".");
        }
        return group;
    }

    public String name() {
        return name;
    }

    public List<String> consumerGroups() {
        return List.copyOf(consumerGroups.values());
    }

    PartitionedTelemetry telemetry() {
        return telemetry;
    }

    Instant createdAt() {
        return createdAt;
    }

    List<ServiceNode> nodes() {
        return nodes;
    }

    boolean isNamed(String entity) {
        return name.equalsIgnoreCase(entity);
    }

    /** The consumer group as configured, when there is one by that name. */
    Optional<String> consumerGroup(String group) {
        return Optional.ofNullable(consumerGroups.get(group.toLowerCase(Locale.ROOT)));
    }

    /** Tokens for the event hub itself or anything in it ({@code <name>/ConsumerGroups/...}). */
    boolean coversAudience(String path) {
        int slash = path.indexOf('/');
        return isNamed(slash < 0 ? path : path.substring(0, slash));
    }
}
