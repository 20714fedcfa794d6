package io.github.iothubquickstart.localhub.provisioning;

/**
 * X.509 attestation as DPS holds it: exactly one of the device's client certificates (individual enrollments),
 * signing certificates (groups) or references to registered CA certificates; the others are null.
 */
public record X509Attestation(X509Certificates clientCertificates, X509Certificates signingCertificates,
                              X509CaReferences caReferences) {

    public static X509Attestation clientCertificates(X509Certificates certificates) {
        return new X509Attestation(certificates, null, null);
    }

    public static X509Attestation signingCertificates(X509Certificates certificates) {
        return new X509Attestation(null, certificates, null);
    }

    public static X509Attestation caReferences(X509CaReferences references) {
        return new X509Attestation(null, null, references);
    }
}
