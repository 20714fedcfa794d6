package io.github.iothubquickstart.localhub.registry;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * What the local hub verifies before it trusts a CA certificate. IoT Hub's names: 1 to 64 letters, digits, {@code -},
 * {@code _} and {@code .}. The certificate: a CA ({@code basicConstraints cA=true}), valid now, and if self-issued
 * signed by its own key. IoT Hub's proof of possession (signing a verification code) is not asked for: the file
 * comes from the data directory's owner on this machine, as {@code az iot hub certificate create --verified true}.
 */
public final class CaCertificateRules {
    public static final int MAX_NAME_LENGTH = 64;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_NAME_LENGTH + "}");

    private CaCertificateRules() {
    }

    /** @throws IllegalArgumentException saying what a name may hold */
    public static void requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid CA certificate name \"" + name + "\": a name has 1 to "
                    + MAX_NAME_LENGTH + " characters, each an ASCII letter, digit, '-', '_' or '.'");
        }
    }

    /** @throws IllegalArgumentException saying why the hub cannot trust {@code certificate} to sign devices' */
    public static void requireTrustable(X509Certificate certificate, Instant now) {
        String subject = certificate.getSubjectX500Principal().getName();
        if (certificate.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("the certificate of " + subject + " is not a CA certificate (its"
                    + " basicConstraints extension does not say cA=true), so it cannot sign devices' certificates;"
                    + " for a self-signed device certificate register its thumbprint instead (device create --auth"
                    + " x509-self-signed, or RegistryClient with AuthenticationType.SELF_SIGNED)");
        }
        if (now.isBefore(certificate.getNotBefore().toInstant())) {
            throw new IllegalArgumentException("the certificate of " + subject + " is not valid yet: it is valid from "
                    + certificate.getNotBefore().toInstant());
        }
        if (now.isAfter(certificate.getNotAfter().toInstant())) {
            throw new IllegalArgumentException("the certificate of " + subject + " expired at "
                    + certificate.getNotAfter().toInstant());
        }
        if (certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            try {
                certificate.verify(certificate.getPublicKey());
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("the certificate of " + subject + " names itself as its issuer"
                        + " but its signature does not verify with its own key (" + e.getMessage() + ")", e);
            }
        }
    }
}
