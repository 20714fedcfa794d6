package io.github.iothubquickstart.localhub.client;

import io.github.iothubquickstart.localhub.data.DataDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import io.github.iothubquickstart.localhub.tls.TrustedCa;

/**
 * Lets an app given a connection string for a hub on this machine trust the local hub's CA as well as the usual
 * public ones. Hosts elsewhere (Azure) get nothing from here: the JVM's default trust applies.
 */
public final class LocalHubTrust {
    private LocalHubTrust() {
    }

    /** An SSLContext trusting the JDK's CAs plus the local hub's, when {@code host} is loopback and a CA exists. */
    public static Optional<SSLContext> forHost(String host, Function<String, String> environment) {
        if (!LocalHubProbe.isLoopback(host)) {
            return Optional.empty();
        }
        Path ca = DataDirectory.resolve(null, environment).resolve("ca.pem");
        return Files.isReadable(ca) ? Optional.of(TrustedCa.trustingSystemAnd(ca)) : Optional.empty();
    }
}
