package io.github.iothubquickstart.common;

import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * Everything the simulated device needs to connect: a validated device connection string; for a hub whose
 * certificate is not publicly trusted (the local hub), the trust manager that accepts its CA; and for an
 * {@code x509=true} connection string, the device's certificate and key.
 */
public final class DeviceConnectionSettings {

    private final DeviceConnectionString connectionString;
    private final X509TrustManager trust;
    private final X509KeyManager clientCertificate;

    private DeviceConnectionSettings(DeviceConnectionString connectionString, X509TrustManager trust,
            X509KeyManager clientCertificate) {
        this.connectionString = Objects.requireNonNull(connectionString);
        this.trust = trust;
        this.clientCertificate = clientCertificate;
    }

    /** For Azure IoT Hub: the JVM's default trust store is enough. */
    public static DeviceConnectionSettings of(DeviceConnectionString connectionString) {
        return new DeviceConnectionSettings(connectionString, null, null);
    }

    /** For a hub with its own CA, e.g. the local hub. */
    public static DeviceConnectionSettings of(DeviceConnectionString connectionString, X509TrustManager trust) {
        return new DeviceConnectionSettings(connectionString, Objects.requireNonNull(trust), null);
    }

    /** Parses and validates; used for strings from the command line or the environment. */
    public static DeviceConnectionSettings fromConnectionString(String connectionString) throws ConfigurationException {
        return of(DeviceConnectionString.parse(connectionString));
    }

    /** The same connection, logging in with the certificate {@code keyManager} presents. */
    public DeviceConnectionSettings withClientCertificate(X509KeyManager keyManager) {
        return new DeviceConnectionSettings(connectionString, trust, Objects.requireNonNull(keyManager));
    }

    public DeviceConnectionString connectionString() {
        return connectionString;
    }

    /** Empty for Azure (default trust); present when the hub's CA must be trusted explicitly. */
    public Optional<X509TrustManager> trust() {
        return Optional.ofNullable(trust);
    }

    public boolean hasClientCertificate() {
        return clientCertificate != null;
    }

    /**
     * Empty when the JVM's defaults do (Azure, with a key); else a context with the hub's trust and the device's
     * certificate, whichever apply.
     */
    public Optional<SSLContext> sslContext() {
        if (trust == null && clientCertificate == null) {
            return Optional.empty();
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            // Null arrays mean the JVM's defaults: its trust store, no client certificate.
            context.init(clientCertificate == null ? null : new KeyManager[] {clientCertificate},
                    trust == null ? null : new TrustManager[] {trust}, null);
            return Optional.of(context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context", e);
        }
    }
}
