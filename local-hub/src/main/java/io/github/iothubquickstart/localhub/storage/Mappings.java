package io.github.iothubquickstart.localhub.storage;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unmaps a file mapping at once. Java unmaps only when the buffer is garbage collected, which would keep deleted
 * segments mapped (and in the process's resident memory) for an unbounded time; {@code sun.misc.Unsafe.invokeCleaner}
 * (module jdk.unsupported, as Lucene and Kafka use it) releases it now. The caller must never touch the buffer again.
 */
final class Mappings {
    private static final Logger LOG = LoggerFactory.getLogger(Mappings.class);
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method invokeCleaner = null;
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field field = type.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            unsafe = field.get(null);
            invokeCleaner = type.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            LOG.debug("Mappings are released by the garbage collector: {}", unavailable.toString());
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = invokeCleaner;
    }

    private Mappings() {
    }

    static void release(MappedByteBuffer buffer) {
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Could not unmap a telemetry segment; the garbage collector will", e);
        }
    }
}
