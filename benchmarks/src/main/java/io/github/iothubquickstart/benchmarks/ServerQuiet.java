package io.github.iothubquickstart.benchmarks;

import java.io.PrintStream;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Waits until a server has finished the work a burst of load left behind (closing connections, the JIT compiling
 * what the burst made hot): neither MQTT server says when it has dropped its clients, but both stop using CPU.
 */
final class ServerQuiet {
    /** Busy below this share of one core over a whole window counts as quiet. */
    private static final double QUIET_CORES = 0.05;
    private static final Duration WINDOW = Duration.ofMillis(500);

    private ServerQuiet() {
    }

    /**
     * Returns once the process used under {@value #QUIET_CORES} cores over a {@code WINDOW}, or after
     * {@code timeout}; without a pid (nothing to watch) after {@code WINDOW}. Says on {@code out} which it was.
     */
    static void await(OptionalLong pid, String name, Duration timeout, PrintStream out) throws InterruptedException {
        if (pid.isEmpty()) {
            Thread.sleep(WINDOW.toMillis());
            out.printf("  %s: no pid given, so it cannot be watched until it is quiet; paused %d ms%n", name,
                    WINDOW.toMillis());
            return;
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        double cpu = ProcessMemory.cpuSeconds(pid.getAsLong());
        while (System.nanoTime() < deadline) {
            Thread.sleep(WINDOW.toMillis());
            double now = ProcessMemory.cpuSeconds(pid.getAsLong());
            if (Double.isNaN(now) || (now - cpu) / (WINDOW.toMillis() / 1000.0) < QUIET_CORES) {
                out.printf("  %s quiet after %.1f s%n", name, (System.nanoTime() - start) / 1e9);
                return;
            }
            cpu = now;
        }
        out.printf("  %s still busy after %d s; measuring anyway%n", name, timeout.toSeconds());
    }
}
