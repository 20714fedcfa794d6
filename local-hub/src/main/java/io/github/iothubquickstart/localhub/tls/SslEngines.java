package io.github.iothubquickstart.localhub.tls;

import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * The TLS implementation for the hub's endpoints: BoringSSL (netty-tcnative) where its native library loads, which
 * makes a handshake several times cheaper than the JDK's; otherwise the JDK's own. Both verify the same way.
 */
public final class SslEngines {
    private SslEngines() {
    }

    public static SSLEngineOptions fastest() {
        return OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
    }

    /** For the start-up log line. */
    public static String fastestName() {
        return OpenSSLEngineOptions.isAvailable() ? "BoringSSL" : "JDK";
    }
}
