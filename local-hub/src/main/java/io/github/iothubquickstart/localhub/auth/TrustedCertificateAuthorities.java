package io.github.iothubquickstart.localhub.auth;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The CA certificates the hub trusts to sign devices' certificates (IoT Hub's "certificates" blade, the local hub's
 * {@code ca-certificate add}): a {@code certificateAuthority} device's chain must end at one of them. Read on every
 * check, so a CA added or removed while the hub runs counts at the next connection.
 */
public interface TrustedCertificateAuthorities {
    List<X509Certificate> trustedCertificates();

    static TrustedCertificateAuthorities none() {
        return List::of;
    }
}
