package io.github.iothubquickstart.localhubclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunningHubFileTest {
    static final RunningHub HUB = new RunningHub("127.0.0.1", "127.0.0.1", 8883, 8443, 4242,
            Instant.parse("2025-01-02T03:04:05.678901Z"), "ca.pem", new PolicyKey("service", "c2VydmljZQ=="),
            new PolicyKey("registryReadWrite", "cmVnaXN0cnk="));

    @TempDir
    Path dataDirectory;

    @Test
    void readsBackWhatWasWritten() {
        RunningHubFile.write(dataDirectory, HUB);

        assertThat(RunningHubFile.read(dataDirectory)).contains(HUB);
    }

    @Test
    void theEventHubsEndpointIsReadBackAndGivesTheEmulatorConnectionString() {
        RunningHub withEventHubs = new RunningHub("127.0.0.1", "127.0.0.1", 8883, 8443, 4242, HUB.startTime(), "ca.pem",
                HUB.servicePolicy(), HUB.registryPolicy(), "myhub", 5672);
        RunningHubFile.write(dataDirectory, withEventHubs);

        RunningHub read = RunningHubFile.read(dataDirectory).orElseThrow();

        assertThat(read).isEqualTo(withEventHubs);
        assertThat(read.eventHubsConnectionString()).contains("Endpoint=sb://127.0.0.1;SharedAccessKeyName=service;"
                + "SharedAccessKey=c2VydmljZQ==;EntityPath=myhub;UseDevelopmentEmulator=true");
        assertThat(HUB.eventHubsConnectionString()).as("a hub that publishes no endpoint").isEmpty();
    }

    @Test
    void theAmqpPortIsReadBackAndAnOlderFileWithoutItMeansTheDefault() throws Exception {
        RunningHub amqpOff = new RunningHub("127.0.0.1", "127.0.0.1", 8883, 8443, 4242, HUB.startTime(), "ca.pem",
                HUB.servicePolicy(), HUB.registryPolicy(), "myhub", 5672, 0);
        RunningHubFile.write(dataDirectory, amqpOff);
        assertThat(RunningHubFile.read(dataDirectory).orElseThrow().amqpPort()).isZero();

        String older = new String(RunningHubFile.encode(HUB), StandardCharsets.ISO_8859_1).replaceAll("(?m)^amqpPort=.*$", "");
        Files.writeString(RunningHubFile.in(dataDirectory), older);
        assertThat(RunningHubFile.read(dataDirectory).orElseThrow().amqpPort()).isEqualTo(5671);
    }

    @Test
    void theProvisioningServiceIsReadBackAndAnOlderFileHasNone() throws Exception {
        RunningHub withProvisioning = new RunningHub("127.0.0.1", "127.0.0.1", 8883, 8443, 4242, HUB.startTime(),
                "ca.pem", HUB.servicePolicy(), HUB.registryPolicy(), "myhub", 5672, 5671, "0ne00ABCDEF",
                new PolicyKey("provisioningserviceowner", "cHJvdmlzaW9uaW5n"));
        RunningHubFile.write(dataDirectory, withProvisioning);

        RunningHub read = RunningHubFile.read(dataDirectory).orElseThrow();
        assertThat(read).isEqualTo(withProvisioning);
        assertThat(read.publishesProvisioning()).isTrue();

        RunningHubFile.write(dataDirectory, HUB);
        assertThat(RunningHubFile.read(dataDirectory).orElseThrow().publishesProvisioning()).isFalse();
    }

    @Test
    void noFileMeansNoPublishedHub() {
        assertThat(RunningHubFile.read(dataDirectory)).isEmpty();
    }

    @Test
    void isOwnerOnlyBecauseItHoldsKeys() throws Exception {
        RunningHubFile.write(dataDirectory, HUB);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(RunningHubFile.in(dataDirectory))))
                .isEqualTo("rw-------");
    }

    @Test
    void replacesTheFileWholeAndLeavesNoTemporaryFile() throws Exception {
        RunningHubFile.write(dataDirectory, HUB);
        RunningHub next = new RunningHub("127.0.0.9", "127.0.0.9", 8883, 9443, 4343, Instant.parse("2025-02-01T00:00:00Z"),
                "ca.pem", HUB.servicePolicy(), HUB.registryPolicy());
        try (FileChannel openedBefore = FileChannel.open(RunningHubFile.in(dataDirectory))) {
            RunningHubFile.write(dataDirectory, next);

            // Renamed over, not rewritten in place: a reader that opened the old file still reads all of it.
            ByteBuffer old = ByteBuffer.allocate(4096);
            openedBefore.read(old);
            assertThat(new String(old.array(), 0, old.position(), StandardCharsets.ISO_8859_1)).contains("httpsPort=8443");
        }
        assertThat(RunningHubFile.read(dataDirectory)).contains(next);
        try (Stream<Path> files = Files.list(dataDirectory)) {
            assertThat(files).extracting(path -> path.getFileName().toString()).containsExactly(RunningHubFile.FILE_NAME);
        }
    }

    @Test
    void aMissingKeyIsNamed() throws Exception {
        String withoutPid = new String(RunningHubFile.encode(HUB), StandardCharsets.ISO_8859_1).replaceAll("(?m)^pid=.*$", "");
        Files.writeString(RunningHubFile.in(dataDirectory), withoutPid);

        assertThatThrownBy(() -> RunningHubFile.read(dataDirectory))
                .isInstanceOf(LocalHubClientException.class)
                .hasMessage(RunningHubFile.in(dataDirectory) + " is corrupt (no pid): restart the local hub to rewrite it,"
                        + " or delete the file if no local hub is running");
    }

    @Test
    void aBadNumberIsNamed() throws Exception {
        String text = new String(RunningHubFile.encode(HUB), StandardCharsets.ISO_8859_1).replace("httpsPort=8443", "httpsPort=84x3");
        Files.writeString(RunningHubFile.in(dataDirectory), text);

        assertThatThrownBy(() -> RunningHubFile.read(dataDirectory))
                .hasMessageContaining("is corrupt (httpsPort is not a number: 84x3)");
    }

    @Test
    void garbageIsCorrupt() throws Exception {
        Files.write(RunningHubFile.in(dataDirectory), new byte[] {'\\', 'u', '1', 'x', 0, (byte) 0xff});

        assertThatThrownBy(() -> RunningHubFile.read(dataDirectory))
                .isInstanceOf(LocalHubClientException.class)
                .hasMessageContaining(RunningHubFile.FILE_NAME + " is corrupt (");
    }

    @Test
    void aNewerFormatIsRefusedRatherThanMisread() throws Exception {
        String text = new String(RunningHubFile.encode(HUB), StandardCharsets.ISO_8859_1).replace("format=1", "format=2");
        Files.writeString(RunningHubFile.in(dataDirectory), text);

        assertThatThrownBy(() -> RunningHubFile.read(dataDirectory))
                .hasMessage(RunningHubFile.in(dataDirectory) + " was written by a newer local hub (format 2):"
                        + " use apps of the same version as the hub");
    }

    @Test
    void anUnreadableFileSaysSo() throws Exception {
        // A directory in its place: unreadable as a file even for root, who ignores file modes.
        Files.createDirectory(RunningHubFile.in(dataDirectory));

        assertThatThrownBy(() -> RunningHubFile.read(dataDirectory))
                .isInstanceOf(LocalHubClientException.class)
                .hasMessageStartingWith("cannot read " + RunningHubFile.in(dataDirectory))
                .hasMessageEndingWith("run the apps as the user who runs the local hub");
    }

    @Test
    void deletesTheFileOnlyWhileItDescribesTheSameHub() {
        RunningHubFile.write(dataDirectory, HUB);
        RunningHub later = new RunningHub("127.0.0.1", "127.0.0.1", 8883, 8443, HUB.pid(), HUB.startTime().plusSeconds(1),
                "ca.pem", HUB.servicePolicy(), HUB.registryPolicy());

        assertThat(RunningHubFile.deleteIfDescribes(dataDirectory, later)).isFalse();
        assertThat(RunningHubFile.read(dataDirectory)).contains(HUB);

        assertThat(RunningHubFile.deleteIfDescribes(dataDirectory, HUB)).isTrue();
        assertThat(RunningHubFile.read(dataDirectory)).isEmpty();
    }
}
