package io.github.iothubquickstart.device;

import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import com.microsoft.azure.sdk.iot.provisioning.security.exceptions.SecurityProviderException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The SDK's symmetric key attestation, trusting a given CA for the provisioning service's TLS: the provisioning SDK
 * takes its TLS context from the security provider, and its default trusts only the JVM's store (enough for Azure).
 */
final class TrustingSymmetricKey extends SecurityProviderSymmetricKey {
    private final X509TrustManager trust;

    /** @param trust null for the JVM's default trust */
    TrustingSymmetricKey(String base64Key, String registrationId, X509TrustManager trust) {
        super(base64Key.getBytes(StandardCharsets.UTF_8), registrationId); // the SDK keeps the base64 text
        this.trust = trust;
    }

    @Override
    public SSLContext getSSLContext() throws SecurityProviderException {
        if (trust == null) {
            return super.getSSLContext();
        }
        try {
            SSLContext context = SSLContext.getInstance("TLSv1.2");
            context.init(null, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new SecurityProviderException("cannot create a TLS context trusting the local hub's CA", e);
        }
    }
}
