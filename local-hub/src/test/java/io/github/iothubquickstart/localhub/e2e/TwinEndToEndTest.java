package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinConnectionState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Device twins between the real service SDK's TwinClient and the real device SDK's twin API. The device's twin
 * requests go through {@link TwinRequests}, which reads the outcome from the hub's answer when the SDK lost it. Each test runs
 * {@code -Dtwin.repeat} times (once by default).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TwinEndToEndTest {
    private static final AtomicInteger DEVICE_NUMBERS = new AtomicInteger();
    private static final AtomicInteger RUNS = new AtomicInteger();

    @RegisterExtension
    static final TestHub hub = TestHub.builder().forDevices().build();
    static TwinClient twins;

    @BeforeAll
    static void setUp() {
        twins = hub.twinClient("service");
    }

    @AfterEach
    void closeDevices() {
        RUNS.incrementAndGet();
        hub.closeDevices(); // a repeated run would otherwise keep hundreds of clients open
    }

    @AfterAll
    static void tearDown() {
        System.out.println("TwinEndToEndTest: " + RUNS.get() + " test run(s); twin answers the SDK lost, read from"
                + " the received answer: " + TwinRequests.recoveredAnswers());
    }

    @RepeatedByProperty
    void reportedPropertiesFromTheDeviceReachTheService() throws Exception {
        String deviceId = newDevice("reporter");
        DeviceClient device = subscribedDevice(deviceId, new LinkedBlockingQueue<>());

        ReportedPropertiesUpdateResponse first = TwinRequests.updateReportedProperties(device,
                reported(Map.of("telemetryInterval", 5)));
        ReportedPropertiesUpdateResponse second = TwinRequests.updateReportedProperties(device,
                reported(Map.of("firmware", "1.2")));

        assertThat(second.getVersion()).isGreaterThan(first.getVersion());
        Twin twin = twins.get(deviceId);
        assertThat(twin.getReportedProperties().get("telemetryInterval")).isEqualTo(5L);
        assertThat(twin.getReportedProperties().get("firmware")).isEqualTo("1.2");
        assertThat(twin.getReportedProperties().getVersion()).isEqualTo(second.getVersion());
        assertThat(twin.getConnectionState()).isEqualTo(TwinConnectionState.CONNECTED.toString());
    }

    @RepeatedByProperty
    void reportedPatchOnAStaleReportedVersionIsRefusedWith412AndChangesNothing() throws Exception {
        String deviceId = newDevice("versioned-reporter");
        DeviceClient device = subscribedDevice(deviceId, new LinkedBlockingQueue<>());
        int current = TwinRequests.updateReportedProperties(device, reported(Map.of("owner", "first"))).getVersion();
        // A collection with a version (as getTwin() returns it) makes the SDK send it as the patch's $version.
        var stale = reported(Map.of("owner", "second"));
        stale.setVersion(current - 1);

        assertThatThrownBy(() -> TwinRequests.updateReportedProperties(device, stale))
                .isInstanceOfSatisfying(IotHubClientException.class,
                        e -> assertThat(e.getStatusCode()).isEqualTo(IotHubStatusCode.PRECONDITION_FAILED));

        Twin twin = twins.get(deviceId);
        assertThat(twin.getReportedProperties().get("owner")).isEqualTo("first");
        assertThat(twin.getReportedProperties().getVersion()).isEqualTo(current);
        var upToDate = reported(Map.of("owner", "second"));
        upToDate.setVersion(current);
        assertThat(TwinRequests.updateReportedProperties(device, upToDate).getVersion()).isEqualTo(current + 1);
    }

    @RepeatedByProperty
    void eachPropertyCarriesTheTimeAndVersionOfItsLastChangeAsIotHubWritesThem() throws Exception {
        String deviceId = newDevice("annotated");
        DeviceClient device = subscribedDevice(deviceId, new LinkedBlockingQueue<>());
        Twin first = new Twin(deviceId);
        first.getDesiredProperties().put("kept", 1);
        first.getDesiredProperties().put("gone", true);
        first.getDesiredProperties().put("config", Map.of("rate", 5, "mode", "eco"));
        int firstVersion = twins.patch(first).getDesiredProperties().getVersion();
        TwinRequests.updateReportedProperties(device, reported(Map.of("firmware", "1.0", "battery", 90)));
        TestHub.pause(5); // so that the second change has a later millisecond than the first

        Twin second = new Twin(deviceId);
        Map<String, Object> deletion = new HashMap<>();
        deletion.put("gone", null);
        second.getDesiredProperties().putAll(deletion);
        second.getDesiredProperties().put("config", Map.of("rate", 6));
        int secondVersion = twins.patch(second).getDesiredProperties().getVersion();
        TwinRequests.updateReportedProperties(device, reported(Map.of("battery", 80)));
        Twin twin = twins.get(deviceId);

        var desired = twin.getDesiredProperties();
        assertThat(desired.getTwinMetadata().getLastUpdatedVersion()).isEqualTo(secondVersion);
        assertThat(desired.getTwinMetadata("kept").getLastUpdatedVersion()).isEqualTo(firstVersion);
        assertThat(desired.getTwinMetadata("gone")).as("a deleted property has no metadata").isNull();
        assertThat(desired.getTwinMetadata("config").getLastUpdatedVersion()).isEqualTo(secondVersion);
        assertThat(desired.getTwinMetadata("config").getLastUpdated())
                .isAfter(desired.getTwinMetadata("kept").getLastUpdated())
                .isEqualTo(desired.getTwinMetadata().getLastUpdated());
        // The Java service SDK drops the metadata of nested members when it copies the twin (Twin.fromJson), so
        // they are read from the JSON that the SDK receives.
        JsonObject config = restTwin(deviceId).getAsJsonObject("properties").getAsJsonObject("desired")
                .getAsJsonObject("$metadata").getAsJsonObject("config");
        assertThat(config.getAsJsonObject("rate").get("$lastUpdatedVersion").getAsInt()).isEqualTo(secondVersion);
        assertThat(config.getAsJsonObject("mode").get("$lastUpdatedVersion").getAsInt()).isEqualTo(firstVersion);
        assertThat(config.getAsJsonObject("rate").get("$lastUpdated").getAsString())
                .isEqualTo(config.get("$lastUpdated").getAsString());
        var reported = twin.getReportedProperties();
        assertThat(reported.getTwinMetadata("battery").getLastUpdated())
                .isAfter(reported.getTwinMetadata("firmware").getLastUpdated())
                .isEqualTo(reported.getTwinMetadata().getLastUpdated());
        assertThat(reported.getTwinMetadata("battery").getLastUpdatedVersion())
                .as("IoT Hub writes no $lastUpdatedVersion in reported properties").isNull();

        // IoT Hub's answer to the device's twin GET has no $metadata.
        var deviceView = TwinRequests.getTwin(device);
        assertThat(deviceView.getDesiredProperties().get("kept")).isEqualTo(1L);
        assertThat(deviceView.getDesiredProperties().getTwinMetadata()).isNull();
        assertThat(deviceView.getDesiredProperties().getTwinMetadata("kept")).isNull();
        assertThat(deviceView.getReportedProperties().getTwinMetadata()).isNull();
    }

    @RepeatedByProperty
    void desiredPatchReachesTheSubscribedDeviceWithItsVersion() throws Exception {
        BlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> updates = new LinkedBlockingQueue<>();
        String deviceId = newDevice("follower");
        DeviceClient device = subscribedDevice(deviceId, updates);

        Twin patch = new Twin(deviceId);
        patch.getDesiredProperties().put("telemetryInterval", 7);
        patch.getTags().put("site", "lab");
        Twin patched = twins.patch(patch);

        var update = updates.poll(10, TimeUnit.SECONDS);
        assertThat(update).isNotNull();
        assertThat(update.getDesiredProperties().get("telemetryInterval")).isEqualTo(7L);
        assertThat(update.getDesiredProperties().getVersion()).isEqualTo(patched.getDesiredProperties().getVersion());
        assertThat(patched.getTags().get("site")).isEqualTo("lab");
        var deviceView = TwinRequests.getTwin(device);
        assertThat(deviceView.getDesiredProperties().get("telemetryInterval")).isEqualTo(7L);
        assertThat(deviceView.getDesiredProperties().containsKey("site")).isFalse();
    }

    @RepeatedByProperty
    void desiredNullRemovesEveryDesiredPropertyAndTheDeviceGetsEachNameAsNull() throws Exception {
        BlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> updates = new LinkedBlockingQueue<>();
        String deviceId = newDevice("cleared");
        DeviceClient device = subscribedDevice(deviceId, updates);
        Twin patch = new Twin(deviceId);
        patch.getDesiredProperties().put("interval", 7);
        patch.getDesiredProperties().put("mode", "eco");
        patch.getTags().put("site", "lab");
        Twin before = twins.patch(patch);
        assertThat(updates.poll(10, TimeUnit.SECONDS)).isNotNull();

        // The Java service SDK refuses a patch with no properties, so this is the PATCH other SDKs (Node's
        // updateTwin) and the REST API send.
        HttpResponse<String> cleared = new ServiceHttp(hub).patch("/twins/" + deviceId,
                "{\"properties\":{\"desired\":null}}", "service");

        assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
        Twin after = twins.get(deviceId);
        assertThat(after.getDesiredProperties()).isEmpty();
        assertThat(after.getDesiredProperties().getVersion()).isEqualTo(before.getDesiredProperties().getVersion() + 1);
        assertThat(after.getTags().get("site")).isEqualTo("lab");
        var update = updates.poll(10, TimeUnit.SECONDS);
        assertThat(update).as("the device is told of the removal").isNotNull();
        assertThat(update.getDesiredProperties()).containsEntry("interval", null).containsEntry("mode", null);
        assertThat(update.getDesiredProperties().getVersion()).isEqualTo(after.getDesiredProperties().getVersion());
        assertThat(TwinRequests.getTwin(device).getDesiredProperties()).isEmpty();
    }

    @RepeatedByProperty
    void desiredVersionsIncreaseAndArriveInOrderUnderConcurrentPatches() throws Exception {
        BlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> updates = new LinkedBlockingQueue<>();
        String deviceId = newDevice("busy");
        subscribedDevice(deviceId, updates);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Twin>> results = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 12; i++) {
                int value = i;
                results.add(callers.submit(() -> {
                    Twin patch = new Twin(deviceId);
                    patch.getDesiredProperties().put("n" + value, value);
                    return hub.twinClient("service").patch(patch);
                }));
            }
            List<Integer> versions = new java.util.ArrayList<>();
            for (Future<Twin> result : results) {
                versions.add(result.get(20, TimeUnit.SECONDS).getDesiredProperties().getVersion());
            }
            assertThat(versions).doesNotHaveDuplicates();
            List<Integer> delivered = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                var update = updates.poll(10, TimeUnit.SECONDS);
                assertThat(update).isNotNull();
                delivered.add(update.getDesiredProperties().getVersion());
            }
            assertThat(delivered).isSorted().doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(versions);
            assertThat(twins.get(deviceId).getDesiredProperties()).hasSize(12);
        } finally {
            callers.shutdownNow();
        }
    }

    @RepeatedByProperty
    void staleEtagIsRefusedWith412AndChangesNothing() throws Exception {
        String deviceId = newDevice("contended");
        Twin read = twins.get(deviceId);
        Twin first = new Twin(deviceId);
        first.getDesiredProperties().put("owner", "first");
        twins.patch(first, read.getETag());

        Twin second = new Twin(deviceId);
        second.getDesiredProperties().put("owner", "second");
        assertThatThrownBy(() -> twins.patch(second, read.getETag()))
                .isInstanceOf(IotHubPreconditionFailedException.class)
                .hasMessageContaining("412001");
        assertThatThrownBy(() -> twins.replace(second, read.getETag()))
                .isInstanceOf(IotHubPreconditionFailedException.class);

        Twin now = twins.get(deviceId);
        assertThat(now.getDesiredProperties().get("owner")).isEqualTo("first");
        Twin replaced = twins.replace(second, now.getETag());
        assertThat(replaced.getDesiredProperties().get("owner")).isEqualTo("second");
        assertThat(replaced.getETag()).isNotEqualTo(now.getETag());
    }

    @RepeatedByProperty
    void replaceRemovesWhatItDoesNotNameAndPatchNullDeletes() throws Exception {
        String deviceId = newDevice("replaced");
        Twin patch = new Twin(deviceId);
        patch.getDesiredProperties().put("a", 1);
        patch.getDesiredProperties().put("b", Map.of("c", 2, "d", 3));
        twins.patch(patch);
        Twin deletion = new Twin(deviceId);
        Map<String, Object> nested = new HashMap<>();
        nested.put("c", null);
        deletion.getDesiredProperties().put("b", nested);
        Twin afterDelete = twins.patch(deletion);
        assertThat(afterDelete.getDesiredProperties().get("a")).isEqualTo(1L);
        assertThat(((Map<?, ?>) afterDelete.getDesiredProperties().get("b")).keySet().stream().map(String::valueOf))
                .containsExactly("d");

        Twin replacement = new Twin(deviceId);
        replacement.getDesiredProperties().put("only", true);
        Twin replaced = twins.replace(replacement);

        assertThat(replaced.getDesiredProperties().keySet()).containsExactly("only");
    }

    @RepeatedByProperty
    void limitsAndNamesAreEnforcedAsInIotHub() throws Exception {
        String deviceId = newDevice("limited");
        Twin tooBig = new Twin(deviceId);
        for (int i = 0; i < 9; i++) {
            tooBig.getDesiredProperties().put("p" + i, "x".repeat(4000));
        }
        Twin tooDeep = new Twin(deviceId);
        Map<String, Object> deep = Map.of("leaf", 1);
        for (int i = 0; i < 10; i++) {
            deep = Map.of("level" + i, deep);
        }
        tooDeep.getDesiredProperties().put("root", deep);
        Twin badTags = new Twin(deviceId);
        badTags.getTags().put("big", "y".repeat(4000));
        badTags.getTags().put("bigger", "z".repeat(4000));
        badTags.getTags().put("biggest", "w".repeat(1000));

        assertThatThrownBy(() -> twins.patch(tooBig)).isInstanceOf(IotHubBadFormatException.class)
                .hasMessageContaining("32768");
        assertThatThrownBy(() -> twins.patch(tooDeep)).isInstanceOf(IotHubBadFormatException.class)
                .hasMessageContaining("10 levels");
        assertThatThrownBy(() -> twins.patch(badTags)).isInstanceOf(IotHubBadFormatException.class)
                .hasMessageContaining("8192");
        assertThat(twins.get(deviceId).getDesiredProperties()).isEmpty();
    }

    @RepeatedByProperty
    void oversizedReportedPatchIsRefusedToTheDevice() throws Exception {
        DeviceClient device = subscribedDevice(newDevice("chatty"), new LinkedBlockingQueue<>());
        TwinCollectionBuilder big = new TwinCollectionBuilder();
        for (int i = 0; i < 9; i++) {
            big.put("r" + i, "x".repeat(4000));
        }

        assertThatThrownBy(() -> TwinRequests.updateReportedProperties(device, big.build()))
                .isInstanceOf(IotHubClientException.class);
        assertThat(TwinRequests.getTwin(device).getReportedProperties()).isEmpty();
    }

    @RepeatedByProperty
    void unknownDeviceAndMissingRightsAreRefused() throws Exception {
        assertThatThrownBy(() -> twins.get("ghost")).isInstanceOf(IotHubNotFoundException.class)
                .hasMessageContaining("404001");
        Twin patch = new Twin("MyJavaDevice");
        patch.getDesiredProperties().put("x", 1);
        assertThat(hub.twinClient("registryRead").get("MyJavaDevice").getDeviceId()).isEqualTo("MyJavaDevice");
        assertThatThrownBy(() -> hub.twinClient("registryRead").patch(patch))
                .isInstanceOf(IotHubUnauthorizedException.class);
        assertThatThrownBy(() -> hub.twinClient("device").get("MyJavaDevice"))
                .isInstanceOf(IotHubUnauthorizedException.class);
    }

    /** A new device id for each run, as the hub lives for all runs of the class. */
    private static String newDevice(String name) {
        return hub.registerDevice(name + "-" + DEVICE_NUMBERS.incrementAndGet());
    }

    /** The twin as IoT Hub's REST API answers it, before any SDK has parsed it. */
    private static JsonObject restTwin(String deviceId) throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder().sslContext(hub.trustHubCa).build().send(
                HttpRequest.newBuilder(URI.create("https://" + hub.hub.serviceHost() + "/twins/" + deviceId
                                + "?api-version=2021-04-12"))
                        .header("Authorization", hub.sasToken("service")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    private static DeviceClient subscribedDevice(String deviceId,
            BlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> updates) throws Exception {
        DeviceClient device = hub.device(deviceId);
        device.open(false);
        device.subscribeToDesiredProperties((twin, context) -> updates.add(twin), null);
        return device;
    }

    private static com.microsoft.azure.sdk.iot.device.twin.TwinCollection reported(Map<String, Object> values) {
        TwinCollectionBuilder builder = new TwinCollectionBuilder();
        values.forEach(builder::put);
        return builder.build();
    }

    /** The device SDK's own TwinCollection, which has the same simple name as the service SDK's. */
    private static final class TwinCollectionBuilder {
        private final com.microsoft.azure.sdk.iot.device.twin.TwinCollection collection =
                new com.microsoft.azure.sdk.iot.device.twin.TwinCollection();

        void put(String key, Object value) {
            collection.put(key, value);
        }

        com.microsoft.azure.sdk.iot.device.twin.TwinCollection build() {
            return collection;
        }
    }

}
