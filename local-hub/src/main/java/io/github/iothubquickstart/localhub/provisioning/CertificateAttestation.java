package io.github.iothubquickstart.localhub.provisioning;

import io.github.iothubquickstart.localhub.auth.X509Checks;
import io.github.iothubquickstart.localhub.registry.CaCertificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * X.509 attestation, as DPS decides it from the chain a device presented in its TLS handshake (leaf first; TLS already
 * proved the device holds the leaf's key), whatever the transport. The leaf is within its validity dates and its
 * subject CN is the registration id. Then, with an individual enrollment for that registration id: the enrollment
 * attests by X.509 and the leaf is its primary or secondary client certificate. Without one: an X.509 enrollment
 * group whose CA the chain leads to (PKIX, through the presented intermediates): one of the group's signing
 * certificates (root or intermediate), or a CA certificate its {@code caReferences} name among those the hub trusts
 * ({@code ca-certificate add}). Refusals are {@link RegistrationRefusal}s with the reason, which is logged, never told.
 */
final class CertificateAttestation {
    private final ProvisioningStore store;
    private final Supplier<List<CaCertificate>> trustedCas;

    /** @param trustedCas the hub's trusted CA certificates by name, read at each attestation */
    CertificateAttestation(ProvisioningStore store, Supplier<List<CaCertificate>> trustedCas) {
        this.store = Objects.requireNonNull(store, "store");
        this.trustedCas = Objects.requireNonNull(trustedCas, "trustedCas");
    }

    /** Thrown with the reason a chain does not attest a registration. */
    static final class RegistrationRefusal extends RuntimeException {
        RegistrationRefusal(String reason) {
            super(reason, null, false, false);
        }
    }

    AttestedDevice attest(String idScope, String registrationId, List<X509Certificate> chain, Instant now) {
        Optional<String> unusable = X509Checks.unusableChain(chain);
        if (unusable.isPresent()) {
            throw new RegistrationRefusal(unusable.get());
        }
        X509Certificate leaf = chain.get(0);
        Optional<String> invalid = X509Checks.outsideValidity(leaf, now);
        if (invalid.isPresent()) {
            throw new RegistrationRefusal(invalid.get());
        }
        Optional<String> commonName = X509Checks.commonName(leaf);
        if (commonName.isEmpty() || !commonName.get().equals(registrationId)) {
            throw new RegistrationRefusal("the registration id is not the client certificate's subject CN ("
                    + commonName.map(name -> "\"" + name + "\"").orElse("none") + ")");
        }
        Optional<IndividualEnrollment> individual = store.individualEnrollment(registrationId);
        if (individual.isPresent()) {
            X509Certificates enrolled = clientCertificates(individual.get().settings().attestation());
            if (enrolled == null) {
                throw new RegistrationRefusal("its individual enrollment does not attest by an X.509 client"
                        + " certificate");
            }
            if (!leaf.equals(parse(enrolled.primary())) && !leaf.equals(parse(enrolled.secondary()))) {
                throw new RegistrationRefusal("the client certificate is neither the primary nor the secondary"
                        + " certificate of its individual enrollment");
            }
            return new AttestedDevice(idScope, registrationId, individual.get(), null, null, leaf);
        }
        List<String> reasons = new ArrayList<>();
        for (EnrollmentGroup group : store.enrollmentGroups()) {
            List<X509Certificate> authorities = groupAuthorities(group.settings().attestation());
            if (authorities.isEmpty()) {
                continue;
            }
            Optional<String> untrusted = X509Checks.untrustedChain(chain, authorities, now);
            if (untrusted.isEmpty()) {
                return new AttestedDevice(idScope, registrationId, null, group, null, leaf);
            }
            reasons.add("group " + group.enrollmentGroupId() + ": " + untrusted.get());
        }
        throw new RegistrationRefusal("no individual enrollment, and no X.509 enrollment group whose CA the chain"
                + " ends at" + (reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")"));
    }

    /** Whether the group holds the CA by reference (the hub's trusted store) rather than by its own certificate. */
    static boolean byCaReference(EnrollmentGroup group) {
        Attestation attestation = group.settings().attestation();
        return attestation.type() == AttestationType.X509 && attestation.x509().caReferences() != null;
    }

    private static X509Certificates clientCertificates(Attestation attestation) {
        return attestation.type() == AttestationType.X509 ? attestation.x509().clientCertificates() : null;
    }

    /** The CA certificates an X.509 group's devices chain to; empty for any other group. */
    private List<X509Certificate> groupAuthorities(Attestation attestation) {
        if (attestation.type() != AttestationType.X509) {
            return List.of();
        }
        List<X509Certificate> authorities = new ArrayList<>();
        X509Certificates signing = attestation.x509().signingCertificates();
        if (signing != null) {
            EnrollmentCertificates.parse(signing.primary()).ifPresent(authorities::add);
            EnrollmentCertificates.parse(signing.secondary()).ifPresent(authorities::add);
        }
        X509CaReferences references = attestation.x509().caReferences();
        if (references != null) {
            for (CaCertificate trusted : trustedCas.get()) {
                if (trusted.name().equals(references.primary()) || trusted.name().equals(references.secondary())) {
                    authorities.add(trusted.certificate());
                }
            }
        }
        return authorities;
    }

    private static X509Certificate parse(String certificate) {
        return EnrollmentCertificates.parse(certificate).orElse(null);
    }
}
