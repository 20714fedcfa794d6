package io.github.iothubquickstart.localhub.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import io.github.iothubquickstart.localhub.LoopbackAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Port 443 for tests of MQTT and AMQP over WebSockets, the only port the Azure device SDK opens them on. Where this
 * process may not bind it (not root, no cap_net_bind_service) those tests are skipped with the reason, unless the
 * system property {@value #REQUIRED} is true (CI sets it), which makes them fail instead.
 */
final class WebSocketPort {
    static final int PORT = 443;
    static final String REQUIRED = "localhub.requireWebSockets";

    private WebSocketPort() {
    }

    /** A free loopback address with 8883 and 443 free on it; skips or fails the caller when 443 is out of reach. */
    static String loopbackAddress() {
        return loopbackAddressAlsoFreeOn();
    }

    /** As {@link #loopbackAddress()}, with {@code ports} free on it too (5671 for a hub that also serves AMQPS). */
    static String loopbackAddressAlsoFreeOn(int... ports) {
        whyNotBindable().ifPresent(WebSocketPort::skipOrFail);
        int[] wanted = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(8883, PORT),
                java.util.Arrays.stream(ports)).toArray();
        return LoopbackAddresses.pickFree(wanted);
    }

    /**
     * For a test of a WebSocket protocol on a hub that also serves others: skips or fails it (as
     * {@link #loopbackAddress}) when the hub could not listen on 443.
     */
    static void requireListening(TestHub hub) {
        if (hub.hub.webSocketPort() != PORT) {
            skipOrFail(whyNotBindable().orElse("the hub did not bind it (see its log)"));
        }
    }

    private static void skipOrFail(String reason) {
        String message = "WebSocket tests (MQTT_WS, AMQPS_WS) need port 443, and " + reason + ": run as root, or"
                + " 'sudo sysctl net.ipv4.ip_unprivileged_port_start=443'";
        if (Boolean.getBoolean(REQUIRED)) {
            fail(message + " (" + REQUIRED + "=true)");
        }
        Assumptions.abort(message);
    }

    /** Whether this process may bind 443 (in use by someone else still means it may). */
    static boolean isBindable() {
        return whyNotBindable().isEmpty();
    }

    /** Binding 127.0.0.1:443 tells whether this process may bind it; in use by someone else still means it may. */
    private static Optional<String> whyNotBindable() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), PORT));
            return Optional.empty();
        } catch (SocketException e) {
            String message = String.valueOf(e.getMessage());
            return message.contains("in use") ? Optional.empty()
                    : Optional.of("this process may not bind it (" + message + ")");
        } catch (IOException e) {
            return Optional.of("binding it failed (" + e.getMessage() + ")");
        }
    }
}
