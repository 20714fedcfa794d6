package io.github.iothubquickstart.common;

import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Everything the simulated device needs to connect: a validated device connection string and, for a hub
 * whose certificate is not publicly trusted (the local hub), an SSLContext that trusts its CA.
 */
public final class DeviceConnectionSettings {

    private final DeviceConnectionString connectionString;
    private final SSLContext sslContext;

    private DeviceConnectionSettings(DeviceConnectionString connectionString, SSLContext sslContext) {
        this.connectionString = Objects.requireNonNull(connectionString);
        this.sslContext = sslContext;
    }

    /** For Azure IoT Hub: the JVM's default trust store is enough. */
    public static DeviceConnectionSettings of(DeviceConnectionString connectionString) {
        return new DeviceConnectionSettings(connectionString, null);
    }

    /** For a hub with its own CA, e.g. the local hub. */
    public static DeviceConnectionSettings of(DeviceConnectionString connectionString, SSLContext sslContext) {
        return new DeviceConnectionSettings(connectionString, Objects.requireNonNull(sslContext));
    }

    /** Parses and validates; used for strings from the command line or the environment. */
    public static DeviceConnectionSettings fromConnectionString(String connectionString) throws ConfigurationException {
        return of(DeviceConnectionString.parse(connectionString));
    }

    public DeviceConnectionString connectionString() {
        return connectionString;
    }

    /** Empty for Azure (default trust); present when the hub's CA must be trusted explicitly. */
    public Optional<SSLContext> sslContext() {
        return Optional.ofNullable(sslContext);
    }
}
