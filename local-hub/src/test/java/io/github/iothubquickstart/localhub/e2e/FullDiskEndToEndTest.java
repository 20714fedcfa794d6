package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.transport.NoRetry;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub's data directory on a small tmpfs that fills up while devices send telemetry, with the unmodified device
 * SDK over MQTT and AMQPS. What a user must see: telemetry refused and not acknowledged (over AMQP a rejected
 * delivery with {@code amqp:internal-error}, which the SDK reports as INTERNAL_SERVER_ERROR and retries; over MQTT no
 * PUBACK and the connection closed, after which the SDK reconnects and sends the message again), while direct
 * methods, twin reads and registry reads go on (twins read by the service: a device's own {@code getTwin} can lose
 * its answer to a race inside the SDK on a loaded machine, docs/reliability.md "Known gaps"); once space is back, the messages the SDK kept retrying are
 * accepted without a restart of anything; afterwards every acknowledged message is in the log when it is opened
 * again and every SQLite database passes {@code PRAGMA integrity_check}.
 *
 * <p>Mounting a tmpfs needs root (CI runs as root); elsewhere the test is skipped, saying why.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FullDiskEndToEndTest {
    /** Room for the hub's files and one 8 MiB telemetry segment; the rest is taken by the test's filler. */
    private static final String TMPFS_SIZE = "40m";
    private static final int MESSAGE_BYTES = 200 * 1024;
    /** Fits in what is left of a segment's reserve after 40 of {@link #MESSAGE_BYTES}. */
    private static final int SMALLER_MESSAGE_BYTES = 64 * 1024;
    private static final Duration RECOVERY = Duration.ofSeconds(60);

    /** Started by the test, on the tmpfs mounted over its data directory. */
    @RegisterExtension
    static final TestHub hub = TestHub.builder().startedByTheTest().build();
    static Path dataDirectory;
    static Path filler;

    @BeforeAll
    static void mountSmallTmpfs() throws Exception {
        dataDirectory = hub.dataDirectory();
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_SIZE + ",mode=0700", "tmpfs",
                dataDirectory.toString()).redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        boolean mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        Assumptions.assumeTrue(mounted, () -> "Skipped: cannot mount a tmpfs to fill (needs root): " + output);
        filler = dataDirectory.resolve("filler");
    }

    @AfterAll
    static void unmount() throws Exception {
        if (filler != null) {
            new ProcessBuilder("umount", dataDirectory.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void telemetryIsRefusedWhileTheDiskIsFullAndAcceptedOnceSpaceReturnsWhileEverythingElseGoesOn() throws Exception {
        List<String> acknowledged = new CopyOnWriteArrayList<>();
        hub.start();
        try (hub) {
            DeviceClient filling = hub.device(hub.registerDevice("filling-amqps"), IotHubClientProtocol.AMQPS);
            filling.setRetryPolicy(new NoRetry());
            filling.open(false);
            DeviceClient mqttSender = hub.device(hub.registerDevice("sender-mqtt"), IotHubClientProtocol.MQTT);
            List<IotHubConnectionStatus> mqttStatuses = new CopyOnWriteArrayList<>();
            mqttSender.setConnectionStatusChangeCallback(context -> mqttStatuses.add(context.getNewStatus()), null);
            mqttSender.open(false);
            DeviceClient amqpSender = hub.device(hub.registerDevice("sender-amqps"), IotHubClientProtocol.AMQPS);
            List<IotHubConnectionStatus> amqpStatuses = new CopyOnWriteArrayList<>();
            amqpSender.setConnectionStatusChangeCallback(context -> amqpStatuses.add(context.getNewStatus()), null);
            amqpSender.open(false);
            List<DeviceClient> answering = new ArrayList<>();
            for (IotHubClientProtocol protocol : List.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.AMQPS)) {
                answering.add(hub.device(hub.registerDevice(TestHub.idFor("answering", protocol)), protocol));
            }
            DirectMethodsClient methods = hub.methodsClient("service");

            fillTheDisk();
            // The telemetry log's segment had room reserved before the disk filled: it takes messages until it is full.
            IotHubClientException refused = null;
            for (int i = 0; i < 200 && refused == null; i++) {
                String body = "filling-" + i;
                try {
                    filling.sendEvent(message(body));
                    acknowledged.add(body);
                } catch (IotHubClientException e) {
                    refused = e;
                }
            }
            assertThat(refused).as("a send refused once the disk is full").isNotNull();
            assertThat(refused.getStatusCode()).isEqualTo(IotHubStatusCode.INTERNAL_SERVER_ERROR);
            // The refused message ran past the segment's reserve; a smaller one (several pages) still fits in it.
            filling.sendEvent(message("smaller-after-refusal", SMALLER_MESSAGE_BYTES));
            acknowledged.add("smaller-after-refusal");

            CompletableFuture<IotHubStatusCode> mqttSent = sendAsync(mqttSender, "mqtt-while-full", acknowledged);
            CompletableFuture<IotHubStatusCode> amqpSent = sendAsync(amqpSender, "amqps-while-full", acknowledged);
            TestHub.awaitThat(() -> mqttStatuses.contains(IotHubConnectionStatus.DISCONNECTED_RETRYING), RECOVERY,
                    "the MQTT device's connection is closed, its message unacknowledged: " + mqttStatuses);

            // A refused write gives back what it took; the filler takes it again, so that the disk is full to the block.
            fillTheDisk();
            // Everything that does not store telemetry goes on, on both transports and for the service, for devices
            // that connect and subscribe while the disk is full too.
            for (DeviceClient device : answering) {
                device.open(false);
                device.subscribeToMethods((name, payload, context) -> new DirectMethodResponse(200, Map.of("method", name)),
                        null);
                String deviceId = device.getConfig().getDeviceId();
                assertThat(methods.invoke(deviceId, "stillServed", DirectMethodRequestOptions.builder()
                        .methodResponseTimeoutSeconds(30).build()).getStatus()).as("method on %s", deviceId)
                        .isEqualTo(200);
                assertThat(hub.twinClient("service").get(deviceId).getDeviceId()).isEqualTo(deviceId);
                assertThat(hub.registryClient("registryRead").getDevice(deviceId).getDeviceId()).isEqualTo(deviceId);
            }
            assertThat(mqttSent).as("the MQTT message while the disk is full").isNotDone();
            assertThat(amqpSent).as("the AMQP message while the disk is full").isNotDone();
            assertThat(amqpStatuses).as("the AMQP device keeps its connection").containsExactly(
                    IotHubConnectionStatus.CONNECTED);
            assertThat(acknowledged).doesNotContain("mqtt-while-full", "amqps-while-full");

            Files.delete(filler);
            // The SDKs' own retries get them through, the hub was not restarted.
            assertThat(mqttSent.get(RECOVERY.toSeconds(), TimeUnit.SECONDS)).isEqualTo(IotHubStatusCode.OK);
            assertThat(amqpSent.get(RECOVERY.toSeconds(), TimeUnit.SECONDS)).isEqualTo(IotHubStatusCode.OK);
            filling.sendEvent(message("filling-after"));
            acknowledged.add("filling-after");
        }

        hub.start();
        try (hub) {
            assertThat(hub.hub.telemetry().storedAfter(0, 10_000))
                    .extracting(message -> new String(message.body(), StandardCharsets.UTF_8).split(" ")[0])
                    .containsExactlyInAnyOrderElementsOf(acknowledged);
        }
        try (Stream<Path> files = Files.list(dataDirectory)) {
            List<Path> databases = files.filter(file -> file.toString().endsWith(".db")).toList();
            assertThat(databases).isNotEmpty();
            for (Path database : databases) {
                assertThat(integrityOf(database)).as("PRAGMA integrity_check of %s", database).isEqualTo("ok");
            }
        }
    }

    /** Writes a file until the tmpfs refuses more: from then on every new block the hub needs is refused. */
    private static void fillTheDisk() throws IOException {
        byte[] block = new byte[1024 * 1024];
        Arrays.fill(block, (byte) 1);
        try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (int i = 0; i < 1024; i++) {
                out.write(block);
            }
        } catch (IOException full) {
            assertThat(full).hasMessageContaining("space");
            return;
        }
        throw new AssertionError("the tmpfs of " + TMPFS_SIZE + " did not fill up");
    }

    /** A message whose body starts with {@code name}, padded to {@link #MESSAGE_BYTES}. */
    private static Message message(String name) {
        return message(name, MESSAGE_BYTES);
    }

    private static Message message(String name, int bytes) {
        byte[] body = new byte[bytes];
        Arrays.fill(body, (byte) 'x');
        byte[] prefix = (name + " ").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        return new Message(body);
    }

    private static CompletableFuture<IotHubStatusCode> sendAsync(DeviceClient device, String name,
                                                                 List<String> acknowledged) {
        CompletableFuture<IotHubStatusCode> sent = new CompletableFuture<>();
        device.sendEventAsync(message(name), (message, exception, context) -> {
            if (exception == null) {
                acknowledged.add(name);
                sent.complete(IotHubStatusCode.OK);
            } else {
                sent.complete(exception.getStatusCode());
            }
        }, null);
        return sent;
    }

    private static String integrityOf(Path database) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA integrity_check")) {
            assertThat(result.next()).isTrue();
            return result.getString(1);
        }
    }
}
