package io.github.iothubquickstart.localhubclient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;

/** What the quickstart apps ask before they use the local hub: is one listening, and is a host this machine? */
public final class LocalHubProbe {
    static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);

    private LocalHubProbe() {
    }

    /** True when something accepts TCP connections at {@code host:port} (a plain connect, no TLS, no data). */
    public static boolean isListening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True for names that can only mean this machine (127.0.0.0/8, ::1, localhost); never resolves other names. */
    public static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!bare.matches("[0-9.]+") && !bare.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
