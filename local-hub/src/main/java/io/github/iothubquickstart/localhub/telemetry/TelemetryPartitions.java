package io.github.iothubquickstart.localhub.telemetry;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How the hub's telemetry is split into partitions for readers, as IoT Hub splits its built-in endpoint: every message
 * of a device goes to the same partition, chosen by a hash of the device id that does not change across restarts or
 * versions (FNV-1a over the id's UTF-8 bytes), so one partition keeps a device's messages in order.
 */
public final class TelemetryPartitions {
    /** IoT Hub's built-in endpoint has 2 to 128 partitions; a local hub has little use for more than a few. */
    public static final int MAX_PARTITIONS = 32;
    public static final int DEFAULT_PARTITIONS = 2;

    private final int count;

    public TelemetryPartitions(int count) {
        if (count < 1 || count > MAX_PARTITIONS) {
            throw new IllegalArgumentException("Partitions must be 1 to " + MAX_PARTITIONS + ", not " + count + ".");
        }
        this.count = count;
    }

    public int count() {
        return count;
    }

    /** The partition ids as Event Hubs names them: "0" to "count - 1". */
    public List<String> ids() {
        return IntStream.range(0, count).mapToObj(Integer::toString).toList();
    }

    /** The partition of {@code deviceId}'s messages (a module's go with its device's). */
    public int partitionOf(String deviceId) {
        int hash = 0x811c9dc5;
        for (byte b : deviceId.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return Integer.remainderUnsigned(hash, count);
    }

    /** The partition numbered by {@code id} ("0", "1", ...), or -1 when this hub has no such partition. */
    public int parse(String id) {
        if (id == null || id.isEmpty() || id.length() > 3 || !id.chars().allMatch(Character::isDigit)
                || id.length() > 1 && id.charAt(0) == '0') {
            return -1;
        }
        int partition = Integer.parseInt(id);
        return partition < count ? partition : -1;
    }
}
