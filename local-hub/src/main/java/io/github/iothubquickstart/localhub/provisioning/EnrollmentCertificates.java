package io.github.iothubquickstart.localhub.provisioning;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Optional;

/**
 * Reads an enrollment's certificate as the service SDKs send it ({@code x509...certificate}): PEM text (Java, Node),
 * base64 of that PEM (the C SDK), or base64 of the DER.
 */
public final class EnrollmentCertificates {
    private EnrollmentCertificates() {
    }

    public static Optional<X509Certificate> parse(String certificate) {
        if (certificate == null || certificate.isBlank()) {
            return Optional.empty();
        }
        String text = certificate.trim();
        if (text.contains("-----BEGIN")) {
            return generate(text.getBytes(StandardCharsets.US_ASCII));
        }
        byte[] decoded;
        try {
            decoded = Base64.getMimeDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return generate(decoded);
    }

    private static Optional<X509Certificate> generate(byte[] pemOrDer) {
        try {
            return Optional.of((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pemOrDer)));
        } catch (CertificateException | ClassCastException e) {
            return Optional.empty();
        }
    }
}
