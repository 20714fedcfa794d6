package io.github.iothubquickstart.benchmarks;

import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import java.nio.file.Path;
import java.util.OptionalLong;

/** A hub the start-up scenario started: where it listens, what it runs in, and how to stop it. */
interface StartedHub extends AutoCloseable {
    String address();

    Path caFile();

    /** The hub's own process when it has one (CPU of the hub alone); empty when it shares this JVM. */
    OptionalLong pid();

    /** Seconds of CPU the hub's process (or this JVM, in-process) has used so far. */
    double cpuSeconds();

    /** Registers the bench devices (not timed). */
    DeviceRegistry registry();

    @Override
    void close() throws InterruptedException;
}
