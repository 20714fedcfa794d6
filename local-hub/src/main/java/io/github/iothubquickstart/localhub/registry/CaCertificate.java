package io.github.iothubquickstart.localhub.registry;

import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;

/**
 * A CA certificate the hub trusts to sign devices' certificates, under the name it was added with (IoT Hub's
 * "certificates" of a hub). Added only once verified ({@link CaCertificateRules}), as IoT Hub's "verified" state.
 */
public record CaCertificate(String name, X509Certificate certificate, Instant added) {

    public CaCertificate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(added, "added");
    }

    /** The subject as RFC 2253 writes it ({@code CN=Contoso Root,O=Contoso}). */
    public String subject() {
        return certificate.getSubjectX500Principal().getName();
    }

    /** The thumbprint IoT Hub shows for a CA certificate: upper-case hex SHA-1 of the DER encoding. */
    public String sha1Thumbprint() {
        return ClientCertificates.sha1Thumbprint(certificate);
    }

    public String sha256Thumbprint() {
        return ClientCertificates.sha256Thumbprint(certificate);
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }
}
