package io.github.iothubquickstart.localhub.tls;

import io.github.iothubquickstart.localhub.files.SecureFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** Reads and writes the PEM files: certificates, and private keys as unencrypted PKCS#8. */
public final class Pem {

    private Pem() {
    }

    static byte[] encode(X509Certificate certificate) {
        return write(certificate);
    }

    static byte[] encode(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null).generate());
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException("cannot encode a " + key.getAlgorithm() + " key as PKCS#8", e);
        }
    }

    private static byte[] write(Object pemObject) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(pemObject);
        } catch (IOException e) {
            throw new IllegalStateException("writing PEM to memory failed", e);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes {@code chain} (leaf first) to {@code file}, readable by all: certificates are public. */
    public static void writeCertificates(Path file, List<X509Certificate> chain) throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (X509Certificate certificate : chain) {
            content.writeBytes(encode(certificate));
        }
        SecureFiles.writeAtomically(file, content.toByteArray(), SecureFiles.WORLD_READABLE_FILE);
    }

    /** Writes {@code key} as unencrypted PKCS#8, readable by its owner only. */
    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        SecureFiles.writeAtomically(file, encode(key), SecureFiles.OWNER_ONLY_FILE);
    }

    /**
     * Every certificate in {@code file}, in order (a chain is leaf first).
     *
     * @throws CertificateStoreException naming the file if it holds none, or something else than certificates
     */
    public static List<X509Certificate> readCertificates(Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (!(object instanceof X509CertificateHolder holder)) {
                    throw unparsable(file, "it holds a PEM block that is not a CERTIFICATE");
                }
                certificates.add(converter.getCertificate(holder));
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            if (e instanceof CertificateStoreException known) {
                throw known;
            }
            throw unparsable(file, e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw unparsable(file, "it holds no PEM CERTIFICATE block");
        }
        return List.copyOf(certificates);
    }

    /** @throws CertificateStoreException naming the file if it holds no readable certificate */
    public static X509Certificate readCertificate(Path file) {
        Object object = readFirstObject(file);
        if (!(object instanceof X509CertificateHolder holder)) {
            throw unparsable(file, "it holds no PEM CERTIFICATE block");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw unparsable(file, e.getMessage());
        }
    }

    /** Reads a PKCS#8 ("PRIVATE KEY") or traditional ("EC/RSA PRIVATE KEY") unencrypted key. */
    public static PrivateKey readPrivateKey(Path file) {
        Object object = readFirstObject(file);
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
        } catch (IOException e) {
            throw unparsable(file, e.getMessage());
        }
        throw unparsable(file, "it holds no unencrypted PEM PRIVATE KEY block");
    }

    private static Object readFirstObject(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            return parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw unparsable(file, e.getMessage());
        }
    }

    private static CertificateStoreException unparsable(Path file, String detail) {
        return new CertificateStoreException("cannot read " + file + " (" + detail + ")");
    }
}
