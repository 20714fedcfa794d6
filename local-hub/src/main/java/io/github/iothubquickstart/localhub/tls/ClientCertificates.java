package io.github.iothubquickstart.localhub.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for devices and the CAs that sign them, as {@code az iot hub device-identity create --am
 * x509_thumbprint} and Azure's certificate tutorials make them: EC P-256 keys, SHA-256 ECDSA signatures, the device id
 * as the subject's common name. For {@code device create --auth x509-self-signed}, enrollments and tests; the hub's own
 * TLS certificates are {@link CertificateAuthority}'s.
 */
public final class ClientCertificates {

    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClientCertificates() {
    }

    /** A certificate and its private key; {@code chain} is the certificate first, then the CAs that signed it. */
    public record Issued(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {
        public Issued {
            chain = List.copyOf(chain);
        }

        /** Writes {@code <name>-cert.pem} (the chain, leaf first) and {@code <name>-key.pem} (owner-only). */
        public Written writePem(Path directory, String name) throws IOException {
            Path certificateFile = directory.resolve(name + "-cert.pem");
            Path keyFile = directory.resolve(name + "-key.pem");
            Pem.writeCertificates(certificateFile, chain);
            Pem.writePrivateKey(keyFile, privateKey);
            return new Written(certificateFile, keyFile);
        }
    }

    public record Written(Path certificateFile, Path privateKeyFile) {
    }

    /** A self-signed end-entity certificate for {@code commonName} (a device id, or {@code <device>/<module>}'s parts). */
    public static Issued selfSigned(String commonName, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeyPair();
        X500Name subject = name(commonName);
        X509Certificate certificate = build(subject, subject, keys, keys.getPrivate(), null, false, notBefore, notAfter);
        return new Issued(certificate, keys.getPrivate(), List.of(certificate));
    }

    /** A root CA (self-signed, may sign CAs below it). */
    public static Issued rootCa(String commonName, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeyPair();
        X500Name subject = name(commonName);
        X509Certificate certificate = build(subject, subject, keys, keys.getPrivate(), null, true, notBefore, notAfter);
        return new Issued(certificate, keys.getPrivate(), List.of(certificate));
    }

    /** An intermediate CA signed by {@code issuer}. */
    public static Issued intermediateCa(Issued issuer, String commonName, Instant notBefore, Instant notAfter) {
        return issue(issuer, commonName, true, notBefore, notAfter);
    }

    /** An end-entity (device) certificate signed by {@code issuer}; its chain runs up to the issuer's root. */
    public static Issued leaf(Issued issuer, String commonName, Instant notBefore, Instant notAfter) {
        return issue(issuer, commonName, false, notBefore, notAfter);
    }

    /** Upper-case hex SHA-1 of the DER encoding: the thumbprint IoT Hub and {@code az} show. */
    public static String sha1Thumbprint(X509Certificate certificate) {
        return thumbprint(certificate, "SHA-1");
    }

    /** Upper-case hex SHA-256 of the DER encoding. */
    public static String sha256Thumbprint(X509Certificate certificate) {
        return thumbprint(certificate, "SHA-256");
    }

    private static String thumbprint(X509Certificate certificate, String digest) {
        try {
            return HexFormat.of().withUpperCase().formatHex(
                    MessageDigest.getInstance(digest).digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hash a certificate with " + digest, e);
        }
    }

    private static Issued issue(Issued issuer, String commonName, boolean ca, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeyPair();
        X509Certificate certificate = build(X500Name.getInstance(
                        issuer.certificate().getSubjectX500Principal().getEncoded()), name(commonName), keys,
                issuer.privateKey(), issuer.certificate(), ca, notBefore, notAfter);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(issuer.chain());
        return new Issued(certificate, keys.getPrivate(), chain);
    }

    private static X509Certificate build(X500Name issuer, X500Name subject, KeyPair keys, PrivateKey signingKey,
                                         X509Certificate issuerCertificate, boolean ca, Instant notBefore,
                                         Instant notAfter) {
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    new BigInteger(127, RANDOM).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                    subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(true)
                            : new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, ca
                            ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature)
                            : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            if (!ca) {
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            }
            if (issuerCertificate != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        extensions.createAuthorityKeyIdentifier(issuerCertificate));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signingKey)));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("building the certificate for " + subject + " failed", e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 key generation is not available in this JVM", e);
        }
    }
}
