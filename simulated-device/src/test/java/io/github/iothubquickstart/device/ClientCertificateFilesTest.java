package io.github.iothubquickstart.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.tls.ClientCertificates;
import java.nio.file.Path;
import java.security.Security;
import java.time.Instant;
import javax.net.ssl.X509KeyManager;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientCertificateFilesTest {
    @TempDir
    Path directory;

    /** BouncyCastle first among the providers names EC keys "ECDSA" while the JDK's certificate says "EC". */
    @Test
    void theKeyCheckDoesNotDependOnWhichProviderNamedTheKey() throws Exception {
        Instant now = Instant.now();
        ClientCertificates.Written files = ClientCertificates.selfSigned("bc-device", now.minusSeconds(60),
                now.plusSeconds(3600)).writePem(directory, "bc-device");
        Security.insertProviderAt(new BouncyCastleProvider(), 1);
        try {
            X509KeyManager keys = ClientCertificateFiles.load(files.certificateFile(), files.privateKeyFile());

            assertThat(keys.getClientAliases("EC", null)).hasSize(1);
        } finally {
            Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
        }
    }
}
