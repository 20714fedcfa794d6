package io.github.iothubquickstart.localhubclient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;

/**
 * Lets an app given a connection string for a hub on this machine trust the local hub's CA as well as the usual
 * public ones. Hosts elsewhere (Azure) get nothing from here: the JVM's default trust applies.
 */
public final class LocalHubTrust {
    private LocalHubTrust() {
    }

    /** An SSLContext trusting the JDK's CAs plus the local hub's, when {@code host} is loopback and a CA exists. */
    public static Optional<SSLContext> forHost(String host, Function<String, String> environment) {
        return caFor(host, environment).map(CaTrust::trustingSystemAnd);
    }

    /** The same trust as {@link #forHost}, as a trust manager, for contexts that also carry a client certificate. */
    public static Optional<X509TrustManager> trustManagerForHost(String host, Function<String, String> environment) {
        return caFor(host, environment).map(ca -> CaTrust.trustManagerForSystemAnd(CaTrust.readCertificate(ca)));
    }

    private static Optional<Path> caFor(String host, Function<String, String> environment) {
        if (!LocalHubProbe.isLoopback(host)) {
            return Optional.empty();
        }
        Path ca = LocalHubDataDirectory.resolve(null, environment).resolve(LocalHubDataDirectory.CA_CERTIFICATE);
        return Files.isReadable(ca) ? Optional.of(ca) : Optional.empty();
    }
}
