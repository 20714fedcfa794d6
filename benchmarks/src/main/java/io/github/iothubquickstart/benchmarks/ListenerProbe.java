package io.github.iothubquickstart.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Waits until a server accepts TCP connections on every one of its ports: its listeners are serving. */
final class ListenerProbe {
    private static final int CONNECT_TIMEOUT_MILLIS = 200;
    private static final long POLL_MILLIS = 5;

    private ListenerProbe() {
    }

    /**
     * Returns once {@code address} accepts a connection on each of {@code ports} (each checked until it does, then
     * left alone); throws when {@code timeout} passes or {@code stillStarting} says the server gave up.
     */
    static void awaitAll(String address, List<Integer> ports, Duration timeout, StillStarting stillStarting)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Integer> waiting = new ArrayList<>(ports);
        while (!waiting.isEmpty()) {
            waiting.removeIf(port -> accepts(address, port));
            if (waiting.isEmpty()) {
                return;
            }
            if (!stillStarting.check()) {
                throw new IllegalStateException("the hub ended before it listened on " + address + " " + waiting);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the hub did not listen on " + address + " " + waiting + " within "
                        + timeout.toSeconds() + " s");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static boolean accepts(String address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the server is still on its way up (its process alive, say). */
    @FunctionalInterface
    interface StillStarting {
        boolean check();
    }
}
