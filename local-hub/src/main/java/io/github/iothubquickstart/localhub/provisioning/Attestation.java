package io.github.iothubquickstart.localhub.provisioning;

import java.util.Objects;

/**
 * An enrollment's attestation mechanism, shaped as DPS's JSON ({@code type} and the one matching part set). TPM
 * enrollments are not offered (no part for it).
 */
public record Attestation(AttestationType type, SymmetricKeyAttestation symmetricKey, X509Attestation x509) {

    public Attestation {
        Objects.requireNonNull(type, "type");
        if (type == AttestationType.SYMMETRIC_KEY && symmetricKey == null) {
            throw new IllegalArgumentException("a symmetric key attestation needs its keys");
        }
        if (type == AttestationType.X509 && x509 == null) {
            throw new IllegalArgumentException("an X.509 attestation needs its certificates or CA references");
        }
        if (type == AttestationType.TPM) {
            throw new IllegalArgumentException("TPM attestation is not supported by the local hub");
        }
    }

    public static Attestation symmetricKey(String primaryKey, String secondaryKey) {
        return new Attestation(AttestationType.SYMMETRIC_KEY, new SymmetricKeyAttestation(primaryKey, secondaryKey),
                null);
    }

    public static Attestation x509(X509Attestation x509) {
        return new Attestation(AttestationType.X509, null, x509);
    }
}
