package io.github.iothubquickstart.common;

import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Everything the back-end needs to call the hub: host (possibly with a port), shared access policy name and
 * key, and, for a hub whose certificate is not publicly trusted (the local hub), an SSLContext that trusts its CA.
 */
public final class ServiceConnectionSettings {

    private final ServiceConnectionString connectionString;
    private final SSLContext sslContext;

    private ServiceConnectionSettings(ServiceConnectionString connectionString, SSLContext sslContext) {
        this.connectionString = Objects.requireNonNull(connectionString);
        this.sslContext = sslContext;
    }

    /** For Azure IoT Hub: the JVM's default trust store is enough. */
    public static ServiceConnectionSettings of(ServiceConnectionString connectionString) {
        return new ServiceConnectionSettings(connectionString, null);
    }

    /** For a hub with its own CA, e.g. the local hub. */
    public static ServiceConnectionSettings of(ServiceConnectionString connectionString, SSLContext sslContext) {
        return new ServiceConnectionSettings(connectionString, Objects.requireNonNull(sslContext));
    }

    /** Parses and validates; used for strings from the command line or the environment. */
    public static ServiceConnectionSettings fromConnectionString(String connectionString) throws ConfigurationException {
        return of(ServiceConnectionString.parse(connectionString));
    }

    public ServiceConnectionString connectionString() {
        return connectionString;
    }

    /** Empty for Azure (default trust); present when the hub's CA must be trusted explicitly. */
    public Optional<SSLContext> sslContext() {
        return Optional.ofNullable(sslContext);
    }
}
