package io.github.iothubquickstart.localhub;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback addresses for hubs that must not see each other: two test classes, or two builds on one machine,
 * each get a hub on an address of their own, so the ports the Azure SDKs fix (8883 for MQTT) never collide.
 */
public final class LoopbackAddresses {
    private static final int ATTEMPTS = 64;

    private LoopbackAddresses() {
    }

    /**
     * A random address in 127.0.0.0/8, other than 127.0.0.1 (where a developer's own hub runs), on which each of
     * {@code ports} is free right now.
     *
     * @throws IllegalStateException if this machine has no loopback address but 127.0.0.1 (macOS without aliases)
     */
    public static String pickFree(int... ports) {
        List<String> busy = new ArrayList<>();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            String address = randomLoopback();
            try {
                if (allFree(address, ports)) {
                    return address;
                }
                busy.add(address);
            } catch (IOException unusable) {
                throw new IllegalStateException("This machine only has 127.0.0.1 for loopback (" + address
                        + ": " + unusable.getMessage() + "), so each local hub cannot get an address of its own."
                        + " On macOS add aliases once: for i in $(seq 2 254); do sudo ifconfig lo0 alias 127.0.0.$i up;"
                        + " done", unusable);
            }
        }
        throw new IllegalStateException("No free loopback address found in " + ATTEMPTS + " tries; ports "
                + java.util.Arrays.toString(ports) + " were busy on " + busy);
    }

    private static boolean allFree(String address, int... ports) throws IOException {
        InetAddress inet = InetAddress.getByName(address);
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(inet, port));
            } catch (BindException e) {
                if (isAddressMissing(e)) {
                    throw e;
                }
                return false;
            }
        }
        return true;
    }

    /** "Cannot assign requested address": the address is not on this machine, as opposed to a port in use. */
    private static boolean isAddressMissing(BindException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("assign") || message.contains("not available");
    }

    private static String randomLoopback() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // Second octet 1..254: clear of 127.0.0.x, where hand-started hubs and fixed-address tools live.
        return "127." + random.nextInt(1, 255) + "." + random.nextInt(0, 256) + "." + random.nextInt(1, 255);
    }
}
