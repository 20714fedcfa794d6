package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.localhub.tls.CertificateStoreException;
import io.github.iothubquickstart.localhub.tls.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.InvalidKeyException;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * The device's certificate and private key from PEM files ({@code --x509-cert}, {@code --x509-key}), checked before
 * anything connects: both readable, the certificate file a chain with the device's certificate first, the key the
 * one that certificate was issued for.
 */
final class ClientCertificateFiles {
    private static final char[] NO_PASSWORD = new char[0];

    private ClientCertificateFiles() {
    }

    /** @throws ConfigurationException one line naming the file and what is wrong with it */
    static X509KeyManager load(Path certificateFile, Path keyFile) throws ConfigurationException {
        requireReadable(certificateFile, "--x509-cert");
        requireReadable(keyFile, "--x509-key");
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = Pem.readCertificates(certificateFile);
        } catch (CertificateStoreException e) {
            throw new ConfigurationException("--x509-cert: " + e.getMessage());
        }
        try {
            key = Pem.readPrivateKey(keyFile);
        } catch (CertificateStoreException e) {
            throw new ConfigurationException("--x509-key: " + e.getMessage());
        }
        X509Certificate leaf = chain.get(0);
        if (!matches(key, leaf)) {
            throw new ConfigurationException("the key in " + keyFile + " is not the one of the certificate in "
                    + certificateFile + " (" + leaf.getSubjectX500Principal().getName() + "): give the key file "
                    + "written with that certificate");
        }
        return keyManager(key, chain);
    }

    private static void requireReadable(Path file, String option) throws ConfigurationException {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException(option + ": no file " + file.toAbsolutePath());
        }
        if (!Files.isReadable(file)) {
            throw new ConfigurationException(option + ": cannot read " + file.toAbsolutePath() + " (permissions)");
        }
    }

    /**
     * Signs with the key and verifies with the certificate: true only for the key the certificate names. The
     * signature follows the key's type, not its algorithm name (providers name EC keys "EC" or "ECDSA").
     */
    private static boolean matches(PrivateKey key, X509Certificate certificate) throws ConfigurationException {
        String algorithm;
        if (key instanceof ECPrivateKey) {
            algorithm = "SHA256withECDSA";
        } else if (key instanceof RSAPrivateKey) {
            algorithm = "SHA256withRSA";
        } else {
            algorithm = key.getAlgorithm(); // Ed25519, Ed448 sign as themselves
        }
        byte[] probe = "simulated-device key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (InvalidKeyException | SignatureException e) {
            return false; // a key of another type than the certificate's
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("cannot check the " + key.getAlgorithm() + " key against the "
                    + "certificate: " + e.getMessage());
        }
    }

    private static X509KeyManager keyManager(PrivateKey key, List<X509Certificate> chain) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("device", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, NO_PASSWORD);
            for (KeyManager manager : factory.getKeyManagers()) {
                if (manager instanceof X509KeyManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X509KeyManager from " + factory.getAlgorithm());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the device's certificate in a key store", e);
        }
    }
}
