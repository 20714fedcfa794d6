package io.github.iothubquickstart.benchmarks;

import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.PartitionOwnership;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The soak's checkpoint store, in the tool's own memory (the tool is not restarted, the hub is): ownership claims
 * succeed only with the current ETag and checkpoints are kept per partition, as a blob store's would be. Every call
 * acts when subscribed to, as a remote store's does: the processor's load balancer subscribes to one Flux again.
 */
final class MemoryCheckpointStore implements CheckpointStore {
    private final Map<String, PartitionOwnership> ownerships = new ConcurrentHashMap<>();
    private final Map<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();

    private static String key(String namespace, String eventHub, String group, String partition) {
        return String.join("/", namespace, eventHub, group.toLowerCase(Locale.ROOT), partition);
    }

    @Override
    public Flux<PartitionOwnership> listOwnership(String namespace, String eventHub, String group) {
        String prefix = key(namespace, eventHub, group, "");
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
            if (!Objects.equals(current == null ? null : current.getETag(), claim.getETag())) {
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
        String prefix = key(namespace, eventHub, group, "");
        return Flux.defer(() -> Flux.fromIterable(List.copyOf(checkpoints.entrySet())))
                .filter(entry -> entry.getKey().startsWith(prefix))
                .map(Map.Entry::getValue);
    }

    @Override
    public Mono<Void> updateCheckpoint(Checkpoint checkpoint) {
        return Mono.fromRunnable(() -> checkpoints.put(key(checkpoint.getFullyQualifiedNamespace(),
                checkpoint.getEventHubName(), checkpoint.getConsumerGroup(), checkpoint.getPartitionId()), checkpoint));
    }
}
