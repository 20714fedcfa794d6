package io.github.iothubquickstart.localhub.e2e;

import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.PartitionOwnership;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A checkpoint store in memory, as an Event Hubs application's blob store behaves for its processors: ownership claims
 * succeed only with the current ETag (so two processors sharing it balance partitions instead of both claiming one),
 * and checkpoints are kept per partition. Every call acts when subscribed to, as a remote store's would: the
 * processors' load balancer subscribes to one call's Flux again on each round. Shared by the processors of one test.
 */
final class InMemoryCheckpointStore implements CheckpointStore {
    private final Map<String, PartitionOwnership> ownerships = new ConcurrentHashMap<>();
    private final Map<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();

    private static String key(String namespace, String eventHub, String group, String partition) {
        return String.join("/", namespace, eventHub, group.toLowerCase(java.util.Locale.ROOT), partition);
    }

    private static String prefix(String namespace, String eventHub, String group) {
        return key(namespace, eventHub, group, "");
    }

    @Override
    public Flux<PartitionOwnership> listOwnership(String namespace, String eventHub, String group) {
        String prefix = prefix(namespace, eventHub, group);
        return Flux.defer(() -> Flux.fromIterable(List.copyOf(ownerships.entrySet())))
                .filter(entry -> entry.getKey().startsWith(prefix))
                .map(Map.Entry::getValue);
    }

    @Override
    public Flux<PartitionOwnership> claimOwnership(List<PartitionOwnership> requested) {
        return Flux.defer(() -> Flux.fromIterable(claim(requested)));
    }

    private synchronized List<PartitionOwnership> claim(List<PartitionOwnership> requested) {
        List<PartitionOwnership> claimed = new ArrayList<>();
        for (PartitionOwnership claim : requested) {
            String key = key(claim.getFullyQualifiedNamespace(), claim.getEventHubName(), claim.getConsumerGroup(),
                    claim.getPartitionId());
            PartitionOwnership current = ownerships.get(key);
            // As a blob store's conditional write: the claim names the ETag it saw (none for a new partition).
            String currentTag = current == null ? null : current.getETag();
            if (!Objects.equals(currentTag, claim.getETag())) {
                continue;
            }
            PartitionOwnership stored = new PartitionOwnership()
                    .setFullyQualifiedNamespace(claim.getFullyQualifiedNamespace())
                    .setEventHubName(claim.getEventHubName())
                    .setConsumerGroup(claim.getConsumerGroup())
                    .setPartitionId(claim.getPartitionId())
                    .setOwnerId(claim.getOwnerId())
                    .setLastModifiedTime(System.currentTimeMillis())
                    .setETag(UUID.randomUUID().toString());
            ownerships.put(key, stored);
            claimed.add(stored);
        }
        return claimed;
    }

    @Override
    public Flux<Checkpoint> listCheckpoints(String namespace, String eventHub, String group) {
        String prefix = prefix(namespace, eventHub, group);
        return Flux.defer(() -> Flux.fromIterable(List.copyOf(checkpoints.entrySet())))
                .filter(entry -> entry.getKey().startsWith(prefix))
                .map(Map.Entry::getValue);
    }

    @Override
    public Mono<Void> updateCheckpoint(Checkpoint checkpoint) {
        return Mono.fromRunnable(() -> checkpoints.put(key(checkpoint.getFullyQualifiedNamespace(),
                checkpoint.getEventHubName(), checkpoint.getConsumerGroup(), checkpoint.getPartitionId()), checkpoint));
    }

    /** The checkpoint of a partition, or null. */
    Checkpoint checkpoint(String partitionId) {
        return checkpoints.entrySet().stream().filter(entry -> entry.getKey().endsWith("/" + partitionId))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    /** Who owns each partition now (partition id to owner id; an empty owner id is a released partition). */
    Map<String, String> owners() {
        Map<String, String> owners = new java.util.TreeMap<>();
        ownerships.values().forEach(ownership -> owners.put(ownership.getPartitionId(), ownership.getOwnerId()));
        return owners;
    }
}
