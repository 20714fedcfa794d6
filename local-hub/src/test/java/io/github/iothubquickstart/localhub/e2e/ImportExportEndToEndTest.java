package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AzureSasCredential;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.service.configurations.Configuration;
import com.microsoft.azure.sdk.iot.service.configurations.ConfigurationContent;
import com.microsoft.azure.sdk.iot.service.configurations.ConfigurationsClient;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyDevicesException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryJob;
import com.microsoft.azure.sdk.iot.service.registry.StorageAuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.serializers.ExportImportDeviceParser;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.github.iothubquickstart.localhub.testing.InMemoryBlobStorage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Import and export jobs through the unmodified service SDK ({@code RegistryClient.exportDevices}, {@code importDevices},
 * {@code getJob}; {@code GET /jobs} and {@code DELETE /jobs/{id}} as the Node SDK's listJobs and cancelJob send them),
 * the blobs in storage the test hands the hub, read and written as the SDK's users do: lines the SDK's own
 * {@code ExportImportDeviceParser} writes and reads. Tests run one at a time (one job at a time, as on IoT Hub).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ImportExportEndToEndTest {
    private static final InMemoryBlobStorage STORAGE = new InMemoryBlobStorage();

    @RegisterExtension
    static final TestHub hub = TestHub.builder().settings(settings -> settings.blobStorage(STORAGE)).build();
    static RegistryClient registry;
    static TwinClient twins;
    static ServiceHttp http;

    @BeforeAll
    static void setUp() {
        registry = hub.registryClient("registryReadWrite");
        twins = hub.twinClient("registryReadWrite");
        http = new ServiceHttp(hub);
    }

    @Test
    void exportWritesDevicesAndModulesWithKeysAndTwinsThatTheSdkReads() throws Exception {
        STORAGE.createContainer("export-keys");
        Device device = registry.addDevice(new Device("export-keys-device"));
        registry.addModule(new Module("export-keys-device", "probe"));
        Twin twin = twins.get("export-keys-device");
        twin.getTags().put("site", "lab");
        twins.patch(twin);

        RegistryJob job = awaitEnd(registry.exportDevices(InMemoryBlobStorage.sasUri("export-keys", "rw"), false));

        assertThat(job.getStatus()).isEqualTo(RegistryJob.JobStatus.COMPLETED);
        assertThat(job.getType()).isEqualTo(RegistryJob.JobType.EXPORT);
        assertThat(job.getProgress()).isEqualTo(100);
        assertThat(job.getStartTimeUtc()).isNotNull();
        assertThat(job.getEndTimeUtc()).isNotNull();
        Map<String, JsonObject> lines = lines("export-keys", "devices.txt");
        ExportImportDeviceParser parsed = new ExportImportDeviceParser(lines.get("export-keys-device").toString());
        assertThat(parsed.getAuthentication().getSymmetricKey().getPrimaryKey())
                .isEqualTo(device.getPrimaryKey());
        assertThat(parsed.getStatus()).isEqualTo("enabled");
        assertThat(parsed.getTags().get("site")).isEqualTo("lab");
        assertThat(parsed.getETag()).isEqualTo(registry.getDevice("export-keys-device").getETag());
        assertThat(lines.get("export-keys-device/probe").getAsJsonObject("authentication")
                .getAsJsonObject("symmetricKey").get("primaryKey").getAsString())
                .isEqualTo(registry.getModule("export-keys-device", "probe").getPrimaryKey());
    }

    @Test
    void exportWithoutKeysWritesNullKeys() throws Exception {
        STORAGE.createContainer("export-nokeys");
        Device device = registry.addDevice(new Device("export-nokeys-device"));

        RegistryJob job = awaitEnd(registry.exportDevices(RegistryJob.createForExportJob(
                InMemoryBlobStorage.sasUri("export-nokeys", "rw"), true, StorageAuthenticationType.KEY)));

        assertThat(job.getStatus()).isEqualTo(RegistryJob.JobStatus.COMPLETED);
        assertThat(job.getExcludeKeysInExport()).isTrue();
        assertThat(job.getStorageAuthenticationType()).isEqualTo(StorageAuthenticationType.KEY);
        String content = STORAGE.text("export-nokeys", "devices.txt").orElseThrow();
        assertThat(content).contains("export-nokeys-device").doesNotContain(device.getPrimaryKey());
        assertThat(new ExportImportDeviceParser(lines("export-nokeys", "devices.txt").get("export-nokeys-device")
                .toString()).getAuthentication().getSymmetricKey().getPrimaryKey()).isNull();
    }

    @Test
    void exportDeleteImportBringsBackTheSameDevicesModulesKeysAndTwins() throws Exception {
        STORAGE.createContainer("round-trip");
        Device device = registry.addDevice(new Device("round-trip-device"));
        device.setStatus(DeviceStatus.Disabled);
        device = registry.updateDevice(device);
        Module module = registry.addModule(new Module("round-trip-device", "camera"));
        Twin twin = twins.get("round-trip-device");
        twin.getTags().put("floor", 3);
        twin.getDesiredProperties().put("interval", 30);
        twins.patch(twin);
        awaitEnd(registry.exportDevices(InMemoryBlobStorage.sasUri("round-trip", "rw"), false));
        // Only this test's device goes back in: the others' lines stay with their tests.
        String line = STORAGE.text("round-trip", "devices.txt").orElseThrow().lines()
                .filter(text -> text.contains("\"round-trip-device\"")).collect(Collectors.joining("\n"));
        STORAGE.put("round-trip", "devices.txt", line);
        registry.removeDevice("round-trip-device");

        RegistryJob job = awaitEnd(registry.importDevices(InMemoryBlobStorage.sasUri("round-trip", "rw"),
                InMemoryBlobStorage.sasUri("round-trip", "rw")));

        assertThat(job.getStatus()).isEqualTo(RegistryJob.JobStatus.COMPLETED);
        assertThat(STORAGE.text("round-trip", "importErrors.log")).contains("");
        Device back = registry.getDevice("round-trip-device");
        assertThat(back.getPrimaryKey()).isEqualTo(device.getPrimaryKey());
        assertThat(back.getSecondaryKey()).isEqualTo(device.getSecondaryKey());
        assertThat(back.getStatus()).isEqualTo(DeviceStatus.Disabled);
        assertThat(registry.getModule("round-trip-device", "camera").getPrimaryKey())
                .isEqualTo(module.getPrimaryKey());
        Twin twinBack = twins.get("round-trip-device");
        assertThat(twinBack.getTags().get("floor")).isEqualTo(3L);
        assertThat(twinBack.getDesiredProperties().get("interval")).isEqualTo(30L);
    }

    @Test
    void eachImportModeWithEtagMismatchesAndAMalformedLineInTheErrorLog() throws Exception {
        STORAGE.createContainer("modes");
        Device existing = registry.addDevice(new Device("modes-existing"));
        registry.addDevice(new Device("modes-doomed"));
        registry.addDevice(new Device("modes-kept"));
        String twinETag = twins.get("modes-existing").getETag();
        STORAGE.put("modes", "devices.txt", String.join("\r\n",
                "{\"id\":\"modes-new\",\"importMode\":\"create\",\"tags\":{\"batch\":\"b1\"}}",
                "{\"id\":\"modes-existing\",\"importMode\":\"Create\"}",
                "{\"id\":\"modes-missing\",\"importMode\":\"update\"}",
                "{\"id\":\"modes-existing\",\"importMode\":\"updateIfMatchETag\",\"eTag\":\"\\\"stale\\\"\"}",
                "{\"id\":\"modes-existing\",\"importMode\":\"updateIfMatchETag\",\"eTag\":\"" + existing.getETag()
                        + "\",\"status\":\"disabled\",\"statusReason\":\"maintenance\"}",
                "{\"id\":\"modes-kept\",\"importMode\":\"deleteIfMatchETag\",\"eTag\":\"stale\"}",
                "{\"id\":\"modes-doomed\",\"importMode\":\"Delete\"}",
                "{\"id\":\"modes-existing\",\"importMode\":\"updateTwinIfMatchETag\",\"twinETag\":\"stale\","
                        + "\"tags\":{\"x\":1}}",
                "{\"id\":\"modes-existing\",\"importMode\":\"updateTwinIfMatchETag\",\"twinETag\":\"" + twinETag
                        + "\",\"tags\":{\"zone\":\"north\"}}",
                "{\"id\":\"modes-new\",\"importMode\":\"updateTwin\",\"properties\":{\"desired\":{\"rate\":5}}}",
                "{\"id\":\"modes-broken\",\"importMode\":",
                "{\"id\":\"modes-upsert\"}"));

        RegistryJob job = awaitEnd(registry.importDevices(InMemoryBlobStorage.sasUri("modes", "r"),
                InMemoryBlobStorage.sasUri("modes", "rw")));

        assertThat(job.getStatus()).isEqualTo(RegistryJob.JobStatus.COMPLETED);
        assertThat(twins.get("modes-new").getTags().get("batch")).isEqualTo("b1");
        assertThat(twins.get("modes-new").getDesiredProperties().get("rate")).isEqualTo(5L);
        Device updated = registry.getDevice("modes-existing");
        assertThat(updated.getStatus()).isEqualTo(DeviceStatus.Disabled);
        assertThat(updated.getStatusReason()).isEqualTo("maintenance");
        assertThat(twins.get("modes-existing").getTags().get("zone")).isEqualTo("north");
        assertThat(registry.getDevice("modes-kept")).isNotNull();
        assertThatThrownBy(() -> registry.getDevice("modes-doomed")).isInstanceOf(IotHubNotFoundException.class);
        assertThat(registry.getDevice("modes-upsert").getPrimaryKey()).isNotBlank();
        List<JsonObject> errors = STORAGE.text("modes", "importErrors.log").orElseThrow().lines()
                .map(text -> JsonParser.parseString(text).getAsJsonObject()).toList();
        assertThat(errors).extracting(error -> error.get("errorCode").getAsInt())
                .containsExactly(409001, 404001, 412001, 412001, 412001, 400012);
        assertThat(errors).extracting(error -> error.has("deviceId") ? error.get("deviceId").getAsString() : null)
                .containsExactly("modes-existing", "modes-missing", "modes-existing", "modes-kept", "modes-existing",
                        null);
        assertThat(errors.get(5).get("errorStatus").getAsString()).startsWith("Invalid device format in line 11:");
    }

    @Test
    void aContainerSasWithoutTheWriteRightFailsTheJobWithTheReason() throws Exception {
        STORAGE.createContainer("read-only");

        RegistryJob job = awaitEnd(registry.exportDevices(InMemoryBlobStorage.sasUri("read-only", "r"), false));

        assertThat(job.getStatus()).isEqualTo(RegistryJob.JobStatus.FAILED);
        assertThat(job.getFailureReason()).contains("devices.txt").contains("write");
        assertThat(STORAGE.text("read-only", "devices.txt")).isEmpty();
    }

    @Test
    void oneJobAtATimeTheNextRefusedWith403AndTheRunningOneReadableListedAndCancellable() throws Exception {
        STORAGE.createContainer("held");
        STORAGE.put("held", "devices.txt", "{\"id\":\"held-device\",\"importMode\":\"create\"}");
        STORAGE.holdReads();
        RegistryJob running;
        try {
            running = registry.importDevices(InMemoryBlobStorage.sasUri("held", "rw"),
                    InMemoryBlobStorage.sasUri("held", "rw"));
            assertThat(running.getStatus()).isEqualTo(RegistryJob.JobStatus.ENQUEUED);
            TestHub.awaitThat(() -> status(running.getJobId()) == RegistryJob.JobStatus.RUNNING,
                    Duration.ofSeconds(10), "the import job to run");

            assertThatThrownBy(() -> registry.exportDevices(InMemoryBlobStorage.sasUri("held", "rw"), false))
                    .isInstanceOf(IotHubTooManyDevicesException.class)
                    .hasMessageContaining("one import or export job at a time");
            HttpResponse<String> list = http.get("/jobs", "registryRead");
            assertThat(list.statusCode()).isEqualTo(200);
            JsonArray jobs = JsonParser.parseString(list.body()).getAsJsonArray();
            assertThat(jobs.get(0).getAsJsonObject().get("jobId").getAsString()).isEqualTo(running.getJobId());
            assertThat(jobs.get(0).getAsJsonObject().get("status").getAsString()).isEqualTo("running");

            HttpResponse<String> cancel = http.delete("/jobs/" + running.getJobId(), "registryReadWrite");
            assertThat(cancel.statusCode()).isEqualTo(200);
        } finally {
            STORAGE.releaseReads();
        }
        assertThat(awaitEnd(running).getStatus()).isEqualTo(RegistryJob.JobStatus.CANCELLED);
        assertThatThrownBy(() -> registry.getDevice("held-device")).isInstanceOf(IotHubNotFoundException.class);
        assertThatThrownBy(() -> registry.getJob("no-such-job")).isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void identityBasedStorageAuthenticationTakesAContainerUriWithoutSas() throws Exception {
        STORAGE.createContainer("by-identity");

        RegistryJob job = awaitEnd(registry.exportDevices(RegistryJob.createForExportJob(
                "https://blobs.test/by-identity", false, StorageAuthenticationType.IDENTITY)));

        assertThat(job.getStatus()).isEqualTo(RegistryJob.JobStatus.COMPLETED);
        assertThat(job.getStorageAuthenticationType()).isEqualTo(StorageAuthenticationType.IDENTITY);
        assertThat(STORAGE.text("by-identity", "devices.txt")).isPresent();
        RegistryJob keyBased = awaitEnd(registry.exportDevices("https://blobs.test/by-identity", false));
        assertThat(keyBased.getStatus()).isEqualTo(RegistryJob.JobStatus.FAILED);
        assertThat(keyBased.getFailureReason()).contains("no SAS token");
    }

    @Test
    void exportWithConfigurationsDeleteImportBringsBackTheSameConfigurations() throws Exception {
        STORAGE.createContainer("with-configurations");
        ConfigurationsClient configurations = new ConfigurationsClient(hub.hub.serviceHost(),
                new AzureSasCredential(hub.sasToken("iothubowner")));
        Configuration devices = new Configuration("carried-devices");
        ConfigurationContent deviceContent = new ConfigurationContent();
        deviceContent.setDeviceContent(new HashMap<>(Map.of("properties.desired.firmware", Map.of("version", "1.2"))));
        devices.setContent(deviceContent);
        devices.setTargetCondition("tags.ring = 'canary'");
        devices.setPriority(7);
        devices.setLabels(new HashMap<>(Map.of("owner", "ops")));
        devices.getMetrics().setQueries(new HashMap<>(Map.of("current",
                "SELECT deviceId FROM devices WHERE properties.reported.firmware.version = '1.2'")));
        configurations.create(devices);
        Configuration modules = new Configuration("carried-modules");
        ConfigurationContent moduleContent = new ConfigurationContent();
        moduleContent.setModuleContent(new HashMap<>(Map.of("properties.desired.sampling", 5)));
        modules.setContent(moduleContent);
        modules.setTargetCondition("FROM devices.modules WHERE moduleId = 'probe'");
        configurations.create(modules);
        Map<String, JsonObject> before = configurationsByIdOverHttp();

        JsonObject exported = job("{\"type\":\"export\",\"outputBlobContainerUri\":\""
                + InMemoryBlobStorage.sasUri("with-configurations", "rw") + "\",\"includeConfigurations\":true}");
        assertThat(exported.get("includeConfigurations").getAsBoolean()).isTrue();
        assertThat(awaitEnd(registry.getJob(exported.get("jobId").getAsString())).getStatus())
                .isEqualTo(RegistryJob.JobStatus.COMPLETED);
        Map<String, JsonObject> lines = lines("with-configurations", "configurations.txt");
        assertThat(lines).containsOnlyKeys("carried-devices", "carried-modules");
        assertThat(lines.get("carried-devices").getAsJsonObject("content").getAsJsonObject("deviceContent")
                .has("properties.desired.firmware")).isTrue();
        assertThat(lines.get("carried-modules").getAsJsonObject("content").getAsJsonObject("moduleContent")
                .get("properties.desired.sampling").getAsInt()).isEqualTo(5);

        configurations.delete("carried-devices");
        configurations.delete("carried-modules");
        assertThat(configurations.get(100)).isEmpty();
        STORAGE.put("with-configurations", "devices.txt", ""); // the devices stay as they are

        JsonObject imported = job("{\"type\":\"import\",\"inputBlobContainerUri\":\""
                + InMemoryBlobStorage.sasUri("with-configurations", "rw") + "\",\"includeConfigurations\":true}");
        assertThat(awaitEnd(registry.getJob(imported.get("jobId").getAsString())).getStatus())
                .isEqualTo(RegistryJob.JobStatus.COMPLETED);

        assertThat(STORAGE.text("with-configurations", "importErrors.log").orElse("")).isEmpty();
        Configuration back = configurations.get("carried-devices");
        assertThat(back.getPriority()).isEqualTo(7);
        assertThat(back.getTargetCondition()).isEqualTo("tags.ring = 'canary'");
        assertThat(back.getLabels()).isEqualTo(Map.of("owner", "ops"));
        assertThat(back.getMetrics().getQueries()).isEqualTo(devices.getMetrics().getQueries());
        Map<String, JsonObject> after = configurationsByIdOverHttp();
        for (String id : List.of("carried-devices", "carried-modules")) {
            assertThat(after.get(id).get("content")).isEqualTo(before.get(id).get("content"));
            assertThat(after.get(id).get("targetCondition")).isEqualTo(before.get(id).get("targetCondition"));
        }

        // A line whose ETag no longer matches is not applied; the error log names it.
        STORAGE.put("with-configurations", "configurations.txt", lines.get("carried-devices").toString()
                .replace("\"priority\":7", "\"priority\":9").replace("\"etag\":\"", "\"etag\":\"stale"));
        JsonObject stale = job("{\"type\":\"import\",\"inputBlobContainerUri\":\""
                + InMemoryBlobStorage.sasUri("with-configurations", "rw") + "\",\"includeConfigurations\":true}");
        awaitEnd(registry.getJob(stale.get("jobId").getAsString()));
        assertThat(STORAGE.text("with-configurations", "importErrors.log").orElseThrow())
                .contains("carried-devices").contains("412");
        assertThat(configurations.get("carried-devices").getPriority()).isEqualTo(7);
        configurations.delete("carried-devices");
        configurations.delete("carried-modules");
    }

    private static JsonObject job(String body) throws Exception {
        HttpResponse<String> response = http.post("/jobs/create", body, "registryReadWrite");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    /** The configurations as the wire shows them: the SDK 2.1.9 does not read moduleContent back. */
    private static Map<String, JsonObject> configurationsByIdOverHttp() throws Exception {
        JsonArray all = JsonParser.parseString(http.get("/configurations", "registryRead").body()).getAsJsonArray();
        return java.util.stream.StreamSupport.stream(all.spliterator(), false).map(JsonObject.class::cast)
                .collect(Collectors.toMap(json -> json.get("id").getAsString(), Function.identity()));
    }

    @Test
    void badJobRequestsAreRefusedInIotHubsShapeAndStartNothing() throws Exception {
        int before = JsonParser.parseString(http.get("/jobs", "registryRead").body()).getAsJsonArray().size();
        String uri = InMemoryBlobStorage.sasUri("bad-requests", "rw");

        assertRefused(http.post("/jobs/create", "{\"type\":\"backup\",\"outputBlobContainerUri\":\"" + uri + "\"}",
                "registryReadWrite"), 400, 400004, "type must be export or import");
        assertRefused(http.post("/jobs/create", "{\"type\":\"import\"}", "registryReadWrite"), 400, 400004,
                "inputBlobContainerUri");
        assertRefused(http.post("/jobs/create", "{\"type\":\"export\"", "registryReadWrite"), 400, 400006,
                "not valid JSON");
        assertRefused(http.post("/jobs/create", "{\"type\":\"import\",\"inputBlobContainerUri\":\"" + uri + "\"}",
                "registryRead"), 401, 401002, "");
        assertRefused(http.post("/jobs/create", "{\"type\":\"export\",\"outputBlobContainerUri\":\"" + uri
                + "\",\"includeConfigurations\":\"sometimes\"}", "registryReadWrite"), 400, 400004,
                "includeConfigurations");
        assertRefused(http.get("/jobs/no-such-job", "registryRead"), 404, 404002, "no-such-job");

        assertThat(JsonParser.parseString(http.get("/jobs", "registryRead").body()).getAsJsonArray()).hasSize(before);
    }

    private static void assertRefused(HttpResponse<String> response, int status, int errorCode, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains(Integer.toString(errorCode)).contains(message);
    }

    private static RegistryJob.JobStatus status(String jobId) {
        try {
            return registry.getJob(jobId).getStatus();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static RegistryJob awaitEnd(RegistryJob job) throws Exception {
        String jobId = job.getJobId();
        RegistryJob[] latest = {job};
        TestHub.awaitThat(() -> {
            try {
                latest[0] = registry.getJob(jobId);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            RegistryJob.JobStatus status = latest[0].getStatus();
            return status == RegistryJob.JobStatus.COMPLETED || status == RegistryJob.JobStatus.FAILED
                    || status == RegistryJob.JobStatus.CANCELLED;
        }, Duration.ofSeconds(30), "job " + jobId + " to end");
        return latest[0];
    }

    /** A container's blob of JSON lines by "id" or "id/moduleId". */
    private static Map<String, JsonObject> lines(String container, String blob) {
        return STORAGE.text(container, blob).orElseThrow().lines()
                .map(text -> JsonParser.parseString(text).getAsJsonObject())
                .collect(Collectors.toMap(json -> json.get("id").getAsString()
                        + (json.has("moduleId") ? "/" + json.get("moduleId").getAsString() : ""), Function.identity()));
    }
}
