package io.github.iothubquickstart.localhubclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A published hub counts only while its process lives and its HTTPS port accepts connections. */
class LocalHubFinderTest {
    private static final String HOST = "127.0.0.1";

    @TempDir
    Path dataDirectory;
    ServerSocket httpsPort;
    int closedPort;

    @BeforeEach
    void listen() throws Exception {
        httpsPort = new ServerSocket(0, 50, InetAddress.getByName(HOST));
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            closedPort = closed.getLocalPort();
        }
    }

    @AfterEach
    void close() throws Exception {
        httpsPort.close();
    }

    @Test
    void findsALiveHubThatAcceptsConnections() {
        RunningHub hub = publish(ProcessHandle.current().pid(), Instant.now(), httpsPort.getLocalPort());

        assertThat(LocalHubFinder.find(dataDirectory, HOST, closedPort)).contains(hub);
    }

    @Test
    void aFileLeftByAKilledHubIsNotARunningHub() throws Exception {
        publish(deadPid(), Instant.now().minusSeconds(1), httpsPort.getLocalPort());

        assertThat(LocalHubFinder.find(dataDirectory, HOST, closedPort)).isEmpty();
    }

    @Test
    void aLiveProcessWhoseHubPortIsClosedIsNotARunningHub() {
        publish(ProcessHandle.current().pid(), Instant.now(), closedPort);

        assertThat(LocalHubFinder.find(dataDirectory, HOST, closedPort)).isEmpty();
    }

    @Test
    void aProcessStartedAfterTheHubOnlyReusesItsPid() {
        // This JVM started well after the "hub" did: the pid now belongs to someone else.
        publish(ProcessHandle.current().pid(), Instant.now().minus(Duration.ofDays(3650)), httpsPort.getLocalPort());

        assertThat(LocalHubFinder.find(dataDirectory, HOST, closedPort)).isEmpty();
    }

    @Test
    void somethingListeningWithoutAFileIsAHubOfAnotherDataDirectory() {
        int port = httpsPort.getLocalPort();

        assertThatThrownBy(() -> LocalHubFinder.find(dataDirectory, HOST, port))
                .isInstanceOf(LocalHubClientException.class)
                .hasMessage("something listens on " + HOST + ":" + port + " but no local hub runs on the data directory "
                        + dataDirectory + " (no running-hub.properties there): it is a local hub started with another"
                        + " data directory, or an older local hub; set LOCAL_IOTHUB_DATA_DIR to its data directory, or"
                        + " restart it with this version");
    }

    @Test
    void somethingListeningBesideAStaleFileIsNamedToo() throws Exception {
        long dead = deadPid();
        publish(dead, Instant.now().minusSeconds(1), closedPort);
        int port = httpsPort.getLocalPort();

        assertThatThrownBy(() -> LocalHubFinder.find(dataDirectory, HOST, port))
                .hasMessageContaining("(its hub, process " + dead + ", has stopped)")
                .hasMessageContaining("set LOCAL_IOTHUB_DATA_DIR");
    }

    @Test
    void nothingAtAllIsNoHub() {
        assertThat(LocalHubFinder.find(dataDirectory, HOST, closedPort)).isEmpty();
    }

    private RunningHub publish(long pid, Instant startTime, int port) {
        RunningHub hub = new RunningHub(HOST, HOST, 8883, port, pid, startTime, "ca.pem",
                new PolicyKey("service", "a2V5"), new PolicyKey("registryReadWrite", "a2V5"));
        RunningHubFile.write(dataDirectory, hub);
        return hub;
    }

    /** The pid of a process that has exited, as a hub killed with -9 leaves it. */
    private static long deadPid() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.waitFor();
        return process.pid();
    }
}
