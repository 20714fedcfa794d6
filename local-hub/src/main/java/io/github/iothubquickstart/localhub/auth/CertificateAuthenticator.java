package io.github.iothubquickstart.localhub.auth;

import io.github.iothubquickstart.localhub.registry.Authentication;
import io.github.iothubquickstart.localhub.registry.AuthenticationType;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceRegistry;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.github.iothubquickstart.localhub.registry.ModuleRegistry;
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
 * The one place where a device's or module's X.509 certificate is checked, whatever transport it came on: given the
 * identity the client claims and the chain it presented in its TLS handshake (leaf first; TLS already proved that the
 * client holds the leaf's key), decides as IoT Hub does. The identity is registered (a device also enabled) and
 * registered for X.509; its leaf is within its validity dates; then for {@code selfSigned} the leaf's SHA-1 or SHA-256
 * thumbprint is the identity's primary or secondary one, and for {@code certificateAuthority} the chain leads from the
 * leaf through the presented intermediates to a CA the hub trusts ({@link TrustedCertificateAuthorities}, read on
 * every check) and the leaf's subject CN names the identity: the device id, or {@code <device id>/<module id>} for a
 * module (IoT Hub's module identity name, as IoT Hub takes it). A selfSigned leaf's CN is not read: its thumbprint is
 * registered. The outcome's expiry is the leaf's notAfter.
 */
public final class CertificateAuthenticator {
    /** More certificates than any real chain has; a longer one is refused before anything is computed. */
    static final int MAX_CHAIN_LENGTH = 10;

    private final DeviceRegistry registry;
    private final ModuleRegistry modules;
    private final TrustedCertificateAuthorities authorities;

    public CertificateAuthenticator(DeviceRegistry registry, ModuleRegistry modules,
                                    TrustedCertificateAuthorities authorities) {
        this.registry = registry;
        this.modules = modules;
        this.authorities = authorities;
    }

    /** @param chain the client's certificates as TLS presented them, leaf first */
    public DeviceAuthenticator.Outcome authenticate(IdentityId identity, List<X509Certificate> chain, Instant now) {
        if (chain.isEmpty()) {
            return DeviceAuthenticator.Outcome.refused("no client certificate was presented");
        }
        if (chain.size() > MAX_CHAIN_LENGTH) {
            return DeviceAuthenticator.Outcome.refused("the client certificate chain has " + chain.size()
                    + " certificates, more than " + MAX_CHAIN_LENGTH);
        }
        Optional<DeviceIdentity> device = registry.findDevice(identity.deviceId());
        if (device.isEmpty()) {
            return DeviceAuthenticator.Outcome.refused("device is not registered");
        }
        if (!device.get().enabled()) {
            return DeviceAuthenticator.Outcome.refused("device is disabled");
        }
        Authentication authentication = device.get().authentication();
        String generationId = device.get().generationId();
        if (identity.isModule()) {
            Optional<ModuleIdentity> module = modules.findModule(identity.deviceId(), identity.moduleId());
            if (module.isEmpty()) {
                return DeviceAuthenticator.Outcome.refused("module is not registered");
            }
            authentication = module.get().authentication();
            generationId = module.get().generationId();
        }
        if (authentication.type() == AuthenticationType.SAS) {
            return DeviceAuthenticator.Outcome.refused("not an X.509 identity: " + identity
                    + " authenticates with SAS tokens (sas), not a certificate");
        }
        X509Certificate leaf = chain.get(0);
        Optional<String> invalid = outsideValidity(leaf, now);
        if (invalid.isPresent()) {
            return DeviceAuthenticator.Outcome.refused(invalid.get());
        }
        Optional<String> refusal = authentication.type() == AuthenticationType.SELF_SIGNED
                ? thumbprintRefusal(leaf, authentication, identity)
                : chainRefusal(identity, chain, now);
        if (refusal.isPresent()) {
            return DeviceAuthenticator.Outcome.refused(refusal.get());
        }
        return new DeviceAuthenticator.Outcome(Optional.of(identity), generationId,
                leaf.getNotAfter().toInstant().getEpochSecond(),
                "valid X.509 certificate (" + authentication.type().wireName() + ", SHA-1 thumbprint "
                        + ClientCertificates.sha1Thumbprint(leaf) + ")");
    }

    private static Optional<String> outsideValidity(X509Certificate leaf, Instant now) {
        try {
            leaf.checkValidity(Date.from(now));
            return Optional.empty();
        } catch (CertificateExpiredException e) {
            return Optional.of("client certificate expired: not valid after " + leaf.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            return Optional.of("client certificate not yet valid: not valid before " + leaf.getNotBefore().toInstant());
        }
    }

    /** selfSigned: the leaf's thumbprint, SHA-1 or SHA-256 as the registered one is, in any letter case. */
    private static Optional<String> thumbprintRefusal(X509Certificate leaf, Authentication authentication,
                                                      IdentityId identity) {
        String sha1 = ClientCertificates.sha1Thumbprint(leaf);
        String sha256 = ClientCertificates.sha256Thumbprint(leaf);
        for (String registered : new String[] {authentication.primaryThumbprint(),
                authentication.secondaryThumbprint()}) {
            if (registered != null && (registered.equalsIgnoreCase(sha1) || registered.equalsIgnoreCase(sha256))) {
                return Optional.empty();
            }
        }
        return Optional.of("unknown thumbprint: the client certificate's (SHA-1 " + sha1 + ", SHA-256 " + sha256
                + ") is neither the primary nor the secondary thumbprint of " + identity);
    }

    /** certificateAuthority: a PKIX path to a trusted CA (dates checked at {@code now}, no revocation), then the CN. */
    private Optional<String> chainRefusal(IdentityId identity, List<X509Certificate> chain, Instant now) {
        List<X509Certificate> trusted = authorities.trustedCertificates();
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        trusted.forEach(certificate -> anchors.add(new TrustAnchor(certificate, null)));
        // The path stops before the first certificate the hub trusts itself: a client may send its CA along.
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
        } catch (InvalidAlgorithmParameterException noAnchors) {
            return Optional.of("untrusted chain: the hub trusts no CA certificate (add one with ca-certificate add)");
        } catch (CertPathValidatorException e) {
            return Optional.of("untrusted chain: " + e.getMessage() + " (issuer of the leaf: "
                    + chain.get(0).getIssuerX500Principal().getName() + ")");
        } catch (GeneralSecurityException e) {
            return Optional.of("untrusted chain: " + e.getMessage());
        }
        String expected = identity.toString();
        Optional<String> commonName = commonName(chain.get(0));
        if (commonName.isEmpty() || !commonName.get().equals(expected)) {
            return Optional.of("CN mismatch: the client certificate's subject CN is "
                    + commonName.map(name -> "\"" + name + "\"").orElse("missing") + ", not \"" + expected + "\"");
        }
        return Optional.empty();
    }

    /** The most specific CN of the certificate's subject. */
    private static Optional<String> commonName(X509Certificate certificate) {
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
