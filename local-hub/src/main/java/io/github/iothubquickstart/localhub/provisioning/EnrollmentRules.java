package io.github.iothubquickstart.localhub.provisioning;

import io.github.iothubquickstart.localhub.registry.SymmetricKeys;

/**
 * What DPS does to an enrollment's attestation before it keeps it (applied by the service API and the CLI before
 * {@link ProvisioningService}): completes it and checks it. Symmetric keys left
 * empty are generated, as DPS does ({@code new SymmetricKeyAttestation("", "")}); given keys must be base64 of 16 to
 * 64 bytes; certificates must parse. Every refusal is DPS's 400.
 */
public final class EnrollmentRules {
    private EnrollmentRules() {
    }

    /** The settings to keep for an individual enrollment ({@code group} false) or an enrollment group. */
    public static EnrollmentSettings complete(EnrollmentSettings requested, boolean group) {
        Attestation attestation = complete(requested.attestation(), group);
        return new EnrollmentSettings(attestation, requested.iotHubHostName(), requested.initialTwin(),
                requested.provisioningStatus(), requested.reprovisionPolicy(), requested.capabilities(),
                requested.allocationPolicy(), requested.customAllocationDefinition(), requested.iotHubs());
    }

    private static Attestation complete(Attestation requested, boolean group) {
        return switch (requested.type()) {
            case SYMMETRIC_KEY -> Attestation.symmetricKey(
                    keyOrGenerated("primaryKey", requested.symmetricKey().primaryKey()),
                    keyOrGenerated("secondaryKey", requested.symmetricKey().secondaryKey()));
            case X509 -> {
                requireCertificates(requested.x509(), group);
                yield requested;
            }
            case TPM -> throw ProvisioningErrors.badRequest("TPM attestation is not offered by the local"
                    + " provisioning service.");
        };
    }

    private static String keyOrGenerated(String which, String key) {
        if (key == null || key.isEmpty()) {
            return SymmetricKeys.random();
        }
        try {
            SymmetricKeys.requireValid(which, key);
        } catch (IllegalArgumentException e) {
            throw ProvisioningErrors.badRequest("The symmetric key attestation's " + e.getMessage() + ".");
        }
        return key;
    }

    private static void requireCertificates(X509Attestation x509, boolean group) {
        if (group) {
            boolean signing = x509.signingCertificates() != null && x509.signingCertificates().primary() != null;
            boolean references = x509.caReferences() != null && x509.caReferences().primary() != null
                    && !x509.caReferences().primary().isBlank();
            if (!signing && !references) {
                throw ProvisioningErrors.badRequest("An X.509 enrollment group needs a primary signing certificate"
                        + " (x509.signingCertificates) or a CA reference (x509.caReferences).");
            }
            if (signing) {
                requireParsable("signing", x509.signingCertificates());
            }
            return;
        }
        if (x509.clientCertificates() == null || x509.clientCertificates().primary() == null) {
            throw ProvisioningErrors.badRequest("An X.509 individual enrollment needs the device's primary"
                    + " certificate (x509.clientCertificates.primary.certificate).");
        }
        requireParsable("client", x509.clientCertificates());
    }

    private static void requireParsable(String which, X509Certificates certificates) {
        requireParsable(which + " primary", certificates.primary());
        if (certificates.secondary() != null) {
            requireParsable(which + " secondary", certificates.secondary());
        }
    }

    private static void requireParsable(String which, String certificate) {
        if (EnrollmentCertificates.parse(certificate).isEmpty()) {
            throw ProvisioningErrors.badRequest("The " + which + " certificate is not an X.509 certificate in PEM"
                    + " or base64.");
        }
    }
}
