package io.github.iothubquickstart.localhub.e2e;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

/** Seeded garbage and near-misses for the protocol fuzz tests (MQTT, AMQP). */
final class FuzzBytes {
    private FuzzBytes() {
    }

    static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Flips, inserts or drops a few bytes, or truncates. */
    static byte[] mutate(Random random, byte[] packet) {
        byte[] mutated = packet.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && mutated.length > 0; e++) {
            int at = random.nextInt(mutated.length);
            switch (random.nextInt(4)) {
                case 0 -> mutated[at] = (byte) random.nextInt(256);
                case 1 -> mutated[at] ^= (byte) (1 << random.nextInt(8));
                case 2 -> mutated = Arrays.copyOf(mutated, at);
                default -> mutated = concat(Arrays.copyOf(mutated, at), randomBytes(random, 1 + random.nextInt(8)),
                        Arrays.copyOfRange(mutated, at, mutated.length));
            }
        }
        return mutated;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }
}
