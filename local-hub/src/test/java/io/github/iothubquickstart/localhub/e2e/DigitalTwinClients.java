package io.github.iothubquickstart.localhub.e2e;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.digitaltwin.DigitalTwinClient;
import io.github.iothubquickstart.localhub.tls.Pem;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

/**
 * The service SDK's {@code DigitalTwinClient} against a test hub. Its HTTP client (OkHttp, through ms-rest) takes no
 * TLS settings: it trusts the JVM's default trust store, read when the client is built. So the client is built while
 * {@code javax.net.ssl.trustStore} names a store of the JDK's CAs plus this hub's CA (never trust-all); a class
 * building a client at the same moment only gets one more test CA.
 */
final class DigitalTwinClients {
    private static final String TRUST_STORE = "javax.net.ssl.trustStore";
    private static final String TRUST_STORE_PASSWORD = "javax.net.ssl.trustStorePassword";
    private static final String TRUST_STORE_TYPE = "javax.net.ssl.trustStoreType";
    private static final char[] PASSWORD = "changeit".toCharArray();

    private DigitalTwinClients() {
    }

    static synchronized DigitalTwinClient forHub(TestHub hub, String policy, Path directory) throws Exception {
        Path store = trustStore(hub, directory);
        String[] names = {TRUST_STORE, TRUST_STORE_PASSWORD, TRUST_STORE_TYPE};
        String[] previous = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            previous[i] = System.getProperty(names[i]);
        }
        System.setProperty(TRUST_STORE, store.toString());
        System.setProperty(TRUST_STORE_PASSWORD, new String(PASSWORD));
        System.setProperty(TRUST_STORE_TYPE, "PKCS12");
        try {
            return new DigitalTwinClient(hub.hub.serviceHost(), new AzureSasCredential(hub.sasToken(policy)));
        } finally {
            for (int i = 0; i < names.length; i++) {
                if (previous[i] == null) {
                    System.clearProperty(names[i]);
                } else {
                    System.setProperty(names[i], previous[i]);
                }
            }
        }
    }

    private static Path trustStore(TestHub hub, Path directory) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        Path jdkCas = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        try (InputStream in = Files.newInputStream(jdkCas)) {
            store.load(in, PASSWORD);
        }
        X509Certificate hubCa = Pem.readCertificates(hub.hub.caCertificateFile()).get(0);
        store.setCertificateEntry("local-hub-test-ca", hubCa);
        Path file = Files.createTempFile(directory, "digital-twin-trust", ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD);
        }
        return file;
    }
}
