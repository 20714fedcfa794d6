package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.localhub.LocalHub;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Entry point of the simulated device. */
public final class SimulatedDevice {

    /** How long Ctrl+C or SIGTERM waits for the device to stop sending and close its connection. */
    private static final long SHUTDOWN_GRACE_SECONDS = 15;

    private SimulatedDevice() {
    }

    public static void main(String[] args) {
        DeviceApplication device = new DeviceApplication(Environment.system(), System.out, System.err,
                new SecureRandom(), LocalHub.DEFAULT_BIND_ADDRESS);

        AtomicInteger exitStatus = new AtomicInteger(DeviceCommand.EXIT_OK);
        CountDownLatch finished = new CountDownLatch(1);
        Thread shutdownHook = new Thread(() -> {
            device.stop();
            try {
                finished.await(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            device.close();
            // A signal would otherwise make the JVM exit 130/143; a clean stop is a success.
            Runtime.getRuntime().halt(exitStatus.get());
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        new EnterKeyListener(System.in, device::stop).start();

        exitStatus.set(device.run(args));
        device.close();
        finished.countDown();
        System.exit(exitStatus.get());
    }
}
