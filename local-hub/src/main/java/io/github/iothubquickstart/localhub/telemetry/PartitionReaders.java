package io.github.iothubquickstart.localhub.telemetry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who reads each partition in each consumer group, under Event Hubs' rules for its receivers: a reader with an owner
 * level (epoch) takes the partition, displacing the readers there with a lower or equal level and those without one,
 * and is refused when one with a higher level reads it; a reader without an owner level is refused while one with a
 * level reads it, and beyond {@value #MAX_READERS} readers. So the one owner an event processor's load balancing chose
 * is the only one reading. Thread-safe: readers on every event loop share it; {@link Reader#displaced} is called
 * outside its lock.
 */
public final class PartitionReaders {
    /** Event Hubs (and IoT Hub's built-in endpoint) take 5 readers per partition and consumer group. */
    public static final int MAX_READERS = 5;

    /** One reader of a partition. */
    public interface Reader {
        /** The name the reader gave itself, or null: shown in refusals, as Event Hubs lists connected receivers. */
        String name();

        /** Its owner level (epoch), or null when it has none. */
        Long ownerLevel();

        /** Another reader took the partition: stop reading. Called once, on any thread. */
        void displaced(Reader by);
    }

    public enum RefusalReason {
        /** A reader with a higher owner level reads the partition. */
        HIGHER_OWNER_LEVEL_READS,
        /** A reader without an owner level asked while one with a level reads the partition. */
        OWNER_LEVEL_READS,
        /** {@value #MAX_READERS} readers already read the partition. */
        TOO_MANY_READERS
    }

    /**
     * Why a reader was refused.
     *
     * @param ownerLevel the owner level that kept it out (null for {@link RefusalReason#TOO_MANY_READERS})
     * @param holder     the name of the reader with that level, or null
     * @param readers    the names of the readers there now (null names included)
     */
    public record Refusal(RefusalReason reason, Long ownerLevel, String holder, List<String> readers) {
    }

    private record Key(String consumerGroup, int partition) {
    }

    private final Map<Key, List<Reader>> readers = new HashMap<>();

    /**
     * Lets {@code reader} read {@code partition} for {@code consumerGroup} (as configured: the caller resolves case), or
     * says why not. Readers it displaces are told after the decision and no longer count.
     */
    public Optional<Refusal> admit(String consumerGroup, int partition, Reader reader) {
        List<Reader> displaced;
        synchronized (this) {
            List<Reader> current = readers.computeIfAbsent(new Key(consumerGroup, partition), key -> new ArrayList<>());
            Reader owner = current.stream().filter(r -> r.ownerLevel() != null)
                    .max((a, b) -> Long.compare(a.ownerLevel(), b.ownerLevel())).orElse(null);
            List<String> names = current.stream().map(Reader::name).toList();
            if (reader.ownerLevel() == null) {
                if (owner != null) {
                    return Optional.of(new Refusal(RefusalReason.OWNER_LEVEL_READS, owner.ownerLevel(), owner.name(), names));
                }
                if (current.size() >= MAX_READERS) {
                    return Optional.of(new Refusal(RefusalReason.TOO_MANY_READERS, null, null, names));
                }
                current.add(reader);
                return Optional.empty();
            }
            if (owner != null && owner.ownerLevel() > reader.ownerLevel()) {
                return Optional.of(new Refusal(RefusalReason.HIGHER_OWNER_LEVEL_READS, owner.ownerLevel(), owner.name(),
                        names));
            }
            // The same level displaces too: a processor that took the partition over attaches with the level its
            // predecessor used.
            displaced = List.copyOf(current);
            current.clear();
            current.add(reader);
        }
        displaced.forEach(previous -> previous.displaced(reader));
        return Optional.empty();
    }

    /** {@code reader} stopped reading (its link closed, or it was displaced). Idempotent. */
    public synchronized void leave(String consumerGroup, int partition, Reader reader) {
        Key key = new Key(consumerGroup, partition);
        List<Reader> current = readers.get(key);
        if (current != null && current.remove(reader) && current.isEmpty()) {
            readers.remove(key);
        }
    }

    /** How many readers read {@code partition} for {@code consumerGroup} now. */
    public synchronized int count(String consumerGroup, int partition) {
        List<Reader> current = readers.get(new Key(consumerGroup, partition));
        return current == null ? 0 : current.size();
    }
}
