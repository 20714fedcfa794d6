package io.github.iothubquickstart.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The soak's running load: each device's telemetry and reported-property timers, the back-end's loops (methods,
 * cloud-to-device, desired patches on seeded-random devices), the feedback receiver kept running, and the devices
 * whose SDK gave up opened again.
 */
final class SoakLoad {
    private final ScheduledExecutorService timers;
    private final ExecutorService loops;

    private SoakLoad(ScheduledExecutorService timers, ExecutorService loops) {
        this.timers = timers;
        this.loops = loops;
    }

    static SoakLoad start(Collection<SoakDevice> devices, SoakBackEnd backEnd, Random load, Duration telemetryInterval,
                          Duration backEndInterval) {
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(4);
        long telemetryEvery = telemetryInterval.toMillis();
        long reportEvery = 5 * telemetryEvery;
        for (SoakDevice device : devices) {
            timers.scheduleAtFixedRate(device::sendTelemetry, load.nextInt((int) telemetryEvery), telemetryEvery,
                    TimeUnit.MILLISECONDS);
            timers.scheduleAtFixedRate(device::reportCounter, load.nextLong(reportEvery), reportEvery,
                    TimeUnit.MILLISECONDS);
        }
        List<SoakDevice> all = new ArrayList<>(devices);
        ExecutorService loops = Executors.newFixedThreadPool(5);
        loops.submit(() -> onRandomDevices(all, new Random(load.nextLong()), backEndInterval, backEnd::invokeMethod));
        loops.submit(() -> onRandomDevices(all, new Random(load.nextLong()), backEndInterval, backEnd::sendCloudToDevice));
        loops.submit(() -> onRandomDevices(all, new Random(load.nextLong()), backEndInterval, backEnd::patchDesired));
        loops.submit(() -> every(Duration.ofSeconds(2), backEnd::keepFeedbackRunning));
        // Opening a client blocks while the hub is down: its own thread, not the device timers'.
        loops.submit(() -> every(Duration.ofSeconds(5), () -> all.forEach(SoakDevice::reconnectIfGivenUp)));
        return new SoakLoad(timers, loops);
    }

    void stop() throws InterruptedException {
        timers.shutdownNow();
        loops.shutdownNow();
        timers.awaitTermination(30, TimeUnit.SECONDS);
        loops.awaitTermination(60, TimeUnit.SECONDS);
    }

    private static void onRandomDevices(List<SoakDevice> devices, Random random, Duration pause,
                                        Consumer<String> action) {
        while (!Thread.currentThread().isInterrupted()) {
            action.accept(devices.get(random.nextInt(devices.size())).deviceId());
            if (!pause(pause)) {
                return;
            }
        }
    }

    /** Runs {@code action} every {@code period} until the thread is interrupted. */
    static void every(Duration period, Runnable action) {
        while (!Thread.currentThread().isInterrupted()) {
            action.run();
            if (!pause(period)) {
                return;
            }
        }
    }

    private static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
