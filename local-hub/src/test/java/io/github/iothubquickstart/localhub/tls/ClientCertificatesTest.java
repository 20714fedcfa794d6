package io.github.iothubquickstart.localhub.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SignatureException;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientCertificatesTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void aLeafChainRunsUpToItsRootAndEachLinkVerifies() throws Exception {
        ClientCertificates.Issued root = ClientCertificates.rootCa("root", NOW, NOW.plus(Duration.ofDays(2)));
        ClientCertificates.Issued intermediate = ClientCertificates.intermediateCa(root, "intermediate", NOW,
                NOW.plus(Duration.ofDays(2)));
        ClientCertificates.Issued device = ClientCertificates.leaf(intermediate, "device-1", NOW,
                NOW.plus(Duration.ofDays(1)));

        assertThat(device.chain()).containsExactly(device.certificate(), intermediate.certificate(),
                root.certificate());
        device.certificate().verify(intermediate.certificate().getPublicKey());
        intermediate.certificate().verify(root.certificate().getPublicKey());
        assertThat(device.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=device-1");
        assertThat(device.certificate().getBasicConstraints()).isEqualTo(-1);
        assertThat(intermediate.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThatThrownBy(() -> device.certificate().verify(root.certificate().getPublicKey()))
                .isInstanceOf(SignatureException.class);
    }

    @Test
    void thumbprintsAreUpperCaseHexOfTheDerEncoding() {
        ClientCertificates.Issued device = ClientCertificates.selfSigned("device-1", NOW, NOW.plusSeconds(60));

        assertThat(ClientCertificates.sha1Thumbprint(device.certificate())).matches("[0-9A-F]{40}");
        assertThat(ClientCertificates.sha256Thumbprint(device.certificate())).matches("[0-9A-F]{64}");
        assertThat(ClientCertificates.sha1Thumbprint(device.certificate()))
                .isNotEqualTo(ClientCertificates.sha1Thumbprint(
                        ClientCertificates.selfSigned("device-1", NOW, NOW.plusSeconds(60)).certificate()));
    }

    @Test
    void writtenPemFilesReadBackAndTheKeyIsOwnerOnly(@TempDir Path directory) throws Exception {
        ClientCertificates.Issued root = ClientCertificates.rootCa("root", NOW, NOW.plus(Duration.ofDays(2)));
        ClientCertificates.Issued device = ClientCertificates.leaf(root, "device-1", NOW, NOW.plus(Duration.ofDays(1)));

        ClientCertificates.Written files = device.writePem(directory, "device-1");

        assertThat(Pem.readCertificates(files.certificateFile())).containsExactlyElementsOf(device.chain());
        // The scalar, not the encoding: which provider reads the file (BouncyCastle, once registered) decides
        // whether the curve's parameters are repeated in the PKCS#8 encoding.
        assertThat(((ECPrivateKey) Pem.readPrivateKey(files.privateKeyFile())).getS())
                .isEqualTo(((ECPrivateKey) device.privateKey()).getS());
        if (io.github.iothubquickstart.localhub.files.SecureFiles.posixSupported()) {
            assertThat(Files.getPosixFilePermissions(files.privateKeyFile()))
                    .isEqualTo(io.github.iothubquickstart.localhub.files.SecureFiles.OWNER_ONLY_FILE);
        }
    }

    @Test
    void aFileWithAKeyWhereCertificatesBelongIsRefused(@TempDir Path directory) throws Exception {
        ClientCertificates.Written files = ClientCertificates.selfSigned("d", NOW, NOW.plusSeconds(60))
                .writePem(directory, "d");

        assertThatThrownBy(() -> Pem.readCertificates(files.privateKeyFile()))
                .isInstanceOf(CertificateStoreException.class).hasMessageContaining("d-key.pem");
    }
}
