package io.github.iothubquickstart.benchmarks;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Prints a status line every second while a phase runs, so a long run shows it is alive. */
final class Progress implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bench-progress");
        thread.setDaemon(true);
        return thread;
    });

    Progress(PrintStream out, String phase, Supplier<String> status) {
        long start = System.nanoTime();
        timer.scheduleAtFixedRate(() -> out.printf("  [%s %4.0fs] %s%n", phase,
                (System.nanoTime() - start) / 1e9, status.get()), 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
