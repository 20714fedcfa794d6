package io.github.iothubquickstart.localhub.auth;

import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The checks of a presented X.509 chain that IoT Hub's device login ({@link CertificateAuthenticator}) and the Device
 * Provisioning Service's attestation share: validity dates, thumbprints, a PKIX path to trusted CAs, the leaf's CN.
 * Each answers the refusal reason, or empty when the check passes.
 */
public final class X509Checks {
    /** More certificates than any real chain has; a longer one is refused before anything is computed. */
    public static final int MAX_CHAIN_LENGTH = 10;

    private X509Checks() {
    }

    /** The chain as presented (leaf first): not empty, not longer than {@link #MAX_CHAIN_LENGTH}. */
    public static Optional<String> unusableChain(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return Optional.of("no client certificate was presented");
        }
        if (chain.size() > MAX_CHAIN_LENGTH) {
            return Optional.of("the client certificate chain has " + chain.size() + " certificates, more than "
                    + MAX_CHAIN_LENGTH);
        }
        return Optional.empty();
    }

    public static Optional<String> outsideValidity(X509Certificate leaf, Instant now) {
        try {
            leaf.checkValidity(Date.from(now));
            return Optional.empty();
        } catch (CertificateExpiredException e) {
            return Optional.of("client certificate expired: not valid after " + leaf.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            return Optional.of("client certificate not yet valid: not valid before " + leaf.getNotBefore().toInstant());
        }
    }

    /** Whether the leaf's SHA-1 or SHA-256 thumbprint is one of {@code registered} (hex, any letter case; nulls skipped). */
    public static boolean thumbprintMatches(X509Certificate leaf, String... registered) {
        String sha1 = ClientCertificates.sha1Thumbprint(leaf);
        String sha256 = ClientCertificates.sha256Thumbprint(leaf);
        for (String thumbprint : registered) {
            if (thumbprint != null && (thumbprint.equalsIgnoreCase(sha1) || thumbprint.equalsIgnoreCase(sha256))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A PKIX path from the leaf through the presented intermediates to one of {@code trusted} (dates checked at
     * {@code now}, no revocation). The path stops before the first certificate that is trusted itself: a client may
     * send its CA along.
     */
    public static Optional<String> untrustedChain(List<X509Certificate> chain, List<X509Certificate> trusted,
                                                  Instant now) {
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        trusted.forEach(certificate -> anchors.add(new TrustAnchor(certificate, null)));
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            if (trusted.contains(certificate)) {
                break;
            }
            path.add(certificate);
        }
        if (path.isEmpty()) {
            return Optional.of("untrusted chain: the client presented a trusted CA certificate itself as its own");
        }
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return Optional.empty();
        } catch (InvalidAlgorithmParameterException noAnchors) {
            return Optional.of("untrusted chain: no CA certificate to end at");
        } catch (CertPathValidatorException e) {
            return Optional.of("untrusted chain: " + e.getMessage() + " (issuer of the leaf: "
                    + chain.get(0).getIssuerX500Principal().getName() + ")");
        } catch (GeneralSecurityException e) {
            return Optional.of("untrusted chain: " + e.getMessage());
        }
    }

    /** The most specific CN of the certificate's subject. */
    public static Optional<String> commonName(X509Certificate certificate) {
        try {
            List<Rdn> rdns = new LdapName(certificate.getSubjectX500Principal().getName()).getRdns();
            // LdapName lists the RDNs from the least specific (rightmost in the string) to the most specific.
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if ("CN".equalsIgnoreCase(rdns.get(i).getType())) {
                    return Optional.of(String.valueOf(rdns.get(i).getValue()));
                }
            }
            return Optional.empty();
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }
}
