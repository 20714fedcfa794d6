package io.github.iothubquickstart.localhubclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalHubProbeTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.42", "localhost", "LOCALHOST", "::1", "[::1]"})
    void loopbackNamesAreThisMachine(String host) {
        assertThat(LocalHubProbe.isLoopback(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"myhub.azure-devices.net", "10.0.0.1", "192.168.1.10", "localhost.example.com", "", "::2"})
    void otherHostsAreNot(String host) {
        assertThat(LocalHubProbe.isLoopback(host)).isFalse();
    }

    @Test
    void listeningIsTrueOnlyWhileSomethingAccepts() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.41"))) {
            port = server.getLocalPort();
            assertThat(LocalHubProbe.isListening("127.0.0.41", port)).isTrue();
        }
        assertThat(LocalHubProbe.isListening("127.0.0.41", port)).isFalse();
    }

    @Test
    void azureHostsNeverGetTheLocalHubsTrust(@TempDir java.nio.file.Path dataDirectory) throws Exception {
        java.nio.file.Files.writeString(dataDirectory.resolve("ca.pem"), "not read for Azure");
        Map<String, String> environment = Map.of("LOCAL_IOTHUB_DATA_DIR", dataDirectory.toString());

        assertThat(LocalHubTrust.forHost("myhub.azure-devices.net", environment::get)).isEmpty();
    }
}
