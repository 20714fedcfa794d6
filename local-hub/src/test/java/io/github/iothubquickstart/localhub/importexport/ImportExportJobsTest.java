package io.github.iothubquickstart.localhub.importexport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.registry.DeviceUpdate;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleService;
import io.github.iothubquickstart.localhub.registry.ModuleUpdate;
import io.github.iothubquickstart.localhub.registry.RegisteredDevice;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.rest.ExportImportDeviceJson;
import io.github.iothubquickstart.localhub.storage.SqliteImportExportJobStore;
import io.github.iothubquickstart.localhub.testing.InMemoryBlobStorage;
import io.github.iothubquickstart.localhub.testing.InMemoryDeviceRegistry;
import io.github.iothubquickstart.localhub.testing.InMemoryTwinStore;
import io.github.iothubquickstart.localhub.testing.RecordingPresence;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import io.github.iothubquickstart.localhub.twin.TwinSections;
import io.github.iothubquickstart.localhub.twin.TwinService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import/export core against in-memory blob storage and registry, with the real job store and line format. */
class ImportExportJobsTest {
    private static final Clock CLOCK = Clock.systemUTC();
    private static final String KEY_A = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    private static final String KEY_B = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=";

    @TempDir
    Path directory;

    private final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry(CLOCK);
    private final RegistryService devices = new RegistryService(registry, new RecordingPresence(Instant.EPOCH));
    private final ModuleService modules = new ModuleService(registry, registry, new RecordingPresence(Instant.EPOCH));
    private final TwinService twins = new TwinService(new InMemoryTwinStore(registry, CLOCK), (id, patch, v) -> { },
            CLOCK);
    private final InMemoryBlobStorage storage = new InMemoryBlobStorage();
    private SqliteImportExportJobStore store;
    private ImportExportJobs jobs;

    @BeforeEach
    void start() {
        storage.createContainer("out");
        storage.createContainer("in");
        store = SqliteImportExportJobStore.open(directory.resolve("import-export-jobs.db"));
        jobs = new ImportExportJobs(store, storage, devices, modules, twins, new ExportImportDeviceJson(), CLOCK);
    }

    @AfterEach
    void stop() {
        jobs.close();
        store.close();
    }

    @Test
    void exportWritesEveryDeviceAndModuleWithKeysAndTwins() {
        registerSample();

        ImportExportJob job = finished(jobs.create(JobRequest.export(InMemoryBlobStorage.sasUri("out", "rw"), false)));

        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job.progress()).isEqualTo(100);
        Map<String, JsonObject> lines = exportedLines();
        assertThat(lines).containsOnlyKeys("thermostat", "thermostat/sensor", "plain");
        JsonObject device = lines.get("thermostat");
        assertThat(device.get("eTag").getAsString()).isEqualTo(devices.get("thermostat").identity().etag());
        assertThat(device.get("status").getAsString()).isEqualTo("enabled");
        assertThat(device.getAsJsonObject("authentication").getAsJsonObject("symmetricKey").get("primaryKey")
                .getAsString()).isEqualTo(KEY_A);
        assertThat(device.get("twinETag").getAsString()).isEqualTo(twins.get("thermostat").etag());
        assertThat(device.getAsJsonObject("tags").get("room").getAsString()).isEqualTo("kitchen");
        assertThat(device.getAsJsonObject("properties").getAsJsonObject("desired").get("target").getAsInt())
                .isEqualTo(21);
        assertThat(device.getAsJsonObject("properties").getAsJsonObject("reported").get("temperature").getAsInt())
                .isEqualTo(19);
        JsonObject module = lines.get("thermostat/sensor");
        assertThat(module.get("moduleId").getAsString()).isEqualTo("sensor");
        assertThat(module.getAsJsonObject("authentication").getAsJsonObject("symmetricKey").get("secondaryKey")
                .getAsString()).isEqualTo(KEY_A);
    }

    @Test
    void exportWithoutKeysWritesThemAsNull() {
        registerSample();

        finished(jobs.create(JobRequest.export(InMemoryBlobStorage.sasUri("out", "rw"), true)));

        JsonObject authentication = exportedLines().get("thermostat").getAsJsonObject("authentication");
        assertThat(authentication.get("type").getAsString()).isEqualTo("sas");
        assertThat(authentication.getAsJsonObject("symmetricKey").get("primaryKey").isJsonNull()).isTrue();
        assertThat(storage.text("out", "devices.txt").orElseThrow()).doesNotContain(KEY_A).doesNotContain(KEY_B);
    }

    @Test
    void anExportImportedIntoAnotherHubBringsTheSameDevicesModulesKeysAndTwins() {
        registerSample();
        finished(jobs.create(JobRequest.export(InMemoryBlobStorage.sasUri("out", "rw"), false)));
        InMemoryDeviceRegistry otherRegistry = new InMemoryDeviceRegistry(CLOCK);
        RegistryService otherDevices = new RegistryService(otherRegistry, new RecordingPresence(Instant.EPOCH));
        ModuleService otherModules = new ModuleService(otherRegistry, otherRegistry,
                new RecordingPresence(Instant.EPOCH));
        TwinService otherTwins = new TwinService(new InMemoryTwinStore(otherRegistry, CLOCK), (id, patch, v) -> { },
                CLOCK);
        ImportExportJob job;
        try (SqliteImportExportJobStore otherStore = SqliteImportExportJobStore.open(directory.resolve("other.db"));
             ImportExportJobs otherJobs = new ImportExportJobs(otherStore, storage, otherDevices, otherModules,
                     otherTwins, new ExportImportDeviceJson(), CLOCK)) {
            job = finished(otherJobs, otherJobs.create(JobRequest.importFrom(InMemoryBlobStorage.sasUri("out", "rw"),
                    InMemoryBlobStorage.sasUri("out", "rw"))));
        }

        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(storage.text("out", "importErrors.log")).contains("");
        assertThat(otherDevices.list()).extracting(device -> device.identity().deviceId())
                .containsExactlyInAnyOrder("thermostat", "plain");
        assertThat(otherDevices.get("thermostat").identity().authentication())
                .isEqualTo(devices.get("thermostat").identity().authentication());
        assertThat(otherDevices.get("thermostat").identity().statusReason()).isEqualTo("kept warm");
        assertThat(otherDevices.get("plain").identity().enabled()).isFalse();
        assertThat(otherModules.get("thermostat", "sensor").identity().authentication())
                .isEqualTo(modules.get("thermostat", "sensor").identity().authentication());
        TwinDocument before = twins.get("thermostat");
        TwinDocument after = otherTwins.get("thermostat");
        assertThat(after.tags()).isEqualTo(before.tags());
        assertThat(after.desired()).isEqualTo(before.desired());
        assertThat(after.reported()).isEqualTo(before.reported());
        assertThat(otherTwins.get(IdentityId.module("thermostat", "sensor")).tags())
                .isEqualTo(twins.get(IdentityId.module("thermostat", "sensor")).tags());
    }

    @Test
    void eachImportModeIsAppliedAndFailingLinesGoToTheErrorLog() {
        registerSample();
        String plainETag = devices.get("plain").identity().etag();
        String twinETag = twins.get("thermostat").etag();
        storage.put("in", "devices.txt", String.join("\n",
                "{\"id\":\"new1\",\"importMode\":\"create\",\"tags\":{\"fresh\":true}}",
                "{\"id\":\"plain\",\"importMode\":\"create\"}",
                "{\"id\":\"ghost\",\"importMode\":\"update\"}",
                "{\"id\":\"plain\",\"importMode\":\"updateIfMatchETag\",\"eTag\":\"stale\",\"status\":\"enabled\"}",
                "{\"id\":\"plain\",\"importMode\":\"updateIfMatchETag\",\"eTag\":\"" + plainETag + "\","
                        + "\"status\":\"enabled\",\"statusReason\":\"back\"}",
                "{\"id\":\"thermostat\",\"importMode\":\"updateTwinIfMatchETag\",\"twinETag\":\"stale\","
                        + "\"tags\":{\"room\":\"attic\"}}",
                "{\"id\":\"thermostat\",\"importMode\":\"updateTwinIfMatchETag\",\"twinETag\":\"" + twinETag + "\","
                        + "\"tags\":{\"room\":\"hall\"},\"properties\":{\"desired\":{\"target\":18,\"$version\":4}}}",
                "{\"id\":\"thermostat\",\"moduleId\":\"sensor\",\"importMode\":\"deleteIfMatchETag\",\"eTag\":\"x\"}",
                "{\"id\":\"new2\"}",
                "not json at all",
                "",
                "{\"id\":\"new2\",\"importMode\":\"delete\"}",
                "{\"id\":\"new1\",\"importMode\":\"updateTwin\",\"properties\":{\"reported\":{\"seen\":1}}}",
                "{\"id\":\"new3\",\"importMode\":\"frobnicate\"}"));

        ImportExportJob job = finished(jobs.create(JobRequest.importFrom(InMemoryBlobStorage.sasUri("in", "r"),
                InMemoryBlobStorage.sasUri("out", "rw"))));

        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(twins.get("new1").tags().get("fresh").getAsBoolean()).isTrue();
        assertThat(twins.get("new1").reported().get("seen").getAsInt()).isEqualTo(1);
        assertThat(devices.get("plain").identity().enabled()).isTrue();
        assertThat(devices.get("plain").identity().statusReason()).isEqualTo("back");
        assertThat(twins.get("thermostat").tags().get("room").getAsString()).isEqualTo("hall");
        assertThat(twins.get("thermostat").desired().get("target").getAsInt()).isEqualTo(18);
        assertThat(modules.list("thermostat")).hasSize(1);
        assertThatThrownBy(() -> devices.get("new2")).isInstanceOf(IotHubError.class);
        List<JsonObject> errors = storage.text("out", "importErrors.log").orElseThrow().lines()
                .map(line -> JsonParser.parseString(line).getAsJsonObject()).toList();
        assertThat(errors).extracting(error -> error.has("deviceId") ? error.get("deviceId").getAsString() : "?")
                .containsExactly("plain", "ghost", "plain", "thermostat", "thermostat", "?", "?");
        assertThat(errors).extracting(error -> error.get("errorCode").getAsInt())
                .containsExactly(409001, 404001, 412001, 412001, 412001, 400012, 400012);
        assertThat(errors.get(4).get("moduleId").getAsString()).isEqualTo("sensor");
        assertThat(errors.get(5).get("errorStatus").getAsString()).startsWith("Invalid device format in line 10:");
        assertThat(errors.get(6).get("errorStatus").getAsString()).contains("frobnicate");
    }

    @Test
    void configurationsGoToAndComeFromTheNamedBlobAndAMissingOneFailsTheImportBeforeAnyLine() {
        List<String> imported = new java.util.ArrayList<>();
        ConfigurationTransfer transfer = new ConfigurationTransfer() {
            @Override
            public List<String> exportLines() {
                return List.of("{\"id\":\"a\"}", "{\"id\":\"b\"}");
            }

            @Override
            public void importLine(String line) {
                if (line.contains("\"bad\"")) {
                    throw new IotHubError(412, 412002, "stale ETag");
                }
                imported.add(line);
            }

            @Override
            public String errorLine(String line, IotHubError error) {
                return "failed " + line + ": " + error.getMessage();
            }
        };
        jobs.close();
        jobs = new ImportExportJobs(store, storage, devices, modules, twins, new ExportImportDeviceJson(), transfer,
                CLOCK);
        JobRequest export = new JobRequest(JobType.EXPORT, null, InMemoryBlobStorage.sasUri("out", "rw"), null, null,
                false, StorageAuthentication.KEY_BASED, null, true, "settings.txt");
        ImportExportJob exported = finished(jobs.create(export));
        assertThat(exported.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(storage.text("out", "settings.txt")).contains("{\"id\":\"a\"}\n{\"id\":\"b\"}\n");
        // What was asked is stored: read back from the job store, not from memory.
        assertThat(store.find(exported.jobId()).orElseThrow().request()).isEqualTo(export);

        storage.put("in", "devices.txt", "{\"id\":\"never\",\"importMode\":\"create\"}");
        JobRequest importing = new JobRequest(JobType.IMPORT, InMemoryBlobStorage.sasUri("in", "rw"),
                InMemoryBlobStorage.sasUri("in", "rw"), null, null, false, StorageAuthentication.KEY_BASED, null, true,
                null);
        ImportExportJob missing = finished(jobs.create(importing));
        assertThat(missing.status()).isEqualTo(JobStatus.FAILED);
        assertThat(missing.failureReason()).contains("configurations.txt");
        assertThat(devices.identity("never")).isEmpty();

        storage.put("in", "configurations.txt", "\uFEFF{\"id\":\"c\"}\n\n{\"id\":\"bad\"}\n");
        ImportExportJob done = finished(jobs.create(importing));
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(imported).containsExactly("{\"id\":\"c\"}");
        assertThat(devices.identity("never")).isPresent();
        assertThat(storage.text("in", "importErrors.log").orElseThrow())
                .isEqualTo("failed {\"id\":\"bad\"}: stale ETag\n");
    }

    @Test
    void anOutputContainerWithoutTheWriteRightFailsTheJobBeforeAnyLineIsApplied() {
        storage.put("in", "devices.txt", "{\"id\":\"never\",\"importMode\":\"create\"}");

        ImportExportJob job = finished(jobs.create(JobRequest.importFrom(InMemoryBlobStorage.sasUri("in", "r"),
                InMemoryBlobStorage.sasUri("out", "r"))));

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failureReason()).contains("importErrors.log").contains("no write right");
        assertThat(devices.identity("never")).isEmpty();
    }

    @Test
    void anExportToAContainerWithoutTheWriteRightFailsWithTheReason() {
        registerSample();

        ImportExportJob job = finished(jobs.create(JobRequest.export(InMemoryBlobStorage.sasUri("out", "r"), false)));

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failureReason()).contains("devices.txt").contains("no write right");
    }

    @Test
    void containerUrisTheHubCannotUseFailTheJobWithTheReason() {
        assertThat(finished(jobs.create(JobRequest.export("sv=2020-10-02&sr=c&sig=abc", false))).failureReason())
                .contains("outputBlobContainerUri must be a blob container's https URI");
        assertThat(finished(jobs.create(JobRequest.export("https://blobs.test/out", false))).failureReason())
                .contains("has no SAS token");
        assertThat(finished(jobs.create(JobRequest.export(InMemoryBlobStorage.sasUri("missing", "rw"), false)))
                .failureReason()).contains("container does not exist");
        assertThat(finished(jobs.create(JobRequest.importFrom(InMemoryBlobStorage.sasUri("in", "r"),
                InMemoryBlobStorage.sasUri("out", "rw")))).failureReason()).contains("no blob devices.txt");
    }

    @Test
    void oneJobRunsAtATimeAndCanBeReadWhileItRuns() {
        storage.put("in", "devices.txt", "{\"id\":\"later\",\"importMode\":\"create\"}");
        storage.holdReads();
        ImportExportJob first = jobs.create(JobRequest.importFrom(InMemoryBlobStorage.sasUri("in", "r"),
                InMemoryBlobStorage.sasUri("out", "rw")));
        try {
            awaitStatus(first.jobId(), JobStatus.RUNNING);

            assertThatThrownBy(() -> jobs.create(JobRequest.export(InMemoryBlobStorage.sasUri("out", "rw"), false)))
                    .isInstanceOfSatisfying(IotHubError.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(403);
                        assertThat(e.errorCode()).isEqualTo(403003);
                    });
            assertThat(store.find(first.jobId()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        } finally {
            storage.releaseReads();
        }
        assertThat(finished(first).status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(finished(jobs.create(JobRequest.export(InMemoryBlobStorage.sasUri("out", "rw"), false))).status())
                .isEqualTo(JobStatus.COMPLETED);
        assertThat(jobs.list()).hasSize(2);
    }

    @Test
    void aCancelledJobAppliesNothingMore() {
        storage.put("in", "devices.txt", "{\"id\":\"never\",\"importMode\":\"create\"}");
        storage.holdReads();
        ImportExportJob job = jobs.create(JobRequest.importFrom(InMemoryBlobStorage.sasUri("in", "r"),
                InMemoryBlobStorage.sasUri("out", "rw")));
        awaitStatus(job.jobId(), JobStatus.RUNNING);

        jobs.cancel(job.jobId());
        storage.releaseReads();

        assertThat(finished(job).status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(devices.identity("never")).isEmpty();
    }

    @Test
    void stoppingTheHubEndsAJobWaitingOnStorageFailedAtOnce() {
        storage.put("in", "devices.txt", "{\"id\":\"never\",\"importMode\":\"create\"}");
        storage.holdReads();
        ImportExportJob job = jobs.create(JobRequest.importFrom(InMemoryBlobStorage.sasUri("in", "r"),
                InMemoryBlobStorage.sasUri("out", "rw")));
        awaitStatus(job.jobId(), JobStatus.RUNNING);

        long start = System.nanoTime();
        jobs.close();

        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
        ImportExportJob stopped = store.find(job.jobId()).orElseThrow();
        assertThat(stopped.status()).isEqualTo(JobStatus.FAILED);
        assertThat(stopped.failureReason()).contains("The hub stopped");
        storage.releaseReads();
        assertThat(devices.identity("never")).isEmpty();
    }

    @Test
    void aJobTheHubStoppedInTheMiddleOfEndsFailedAfterARestart() {
        storage.put("in", "devices.txt", "{\"id\":\"never\",\"importMode\":\"create\"}");
        storage.holdReads();
        ImportExportJob job = jobs.create(JobRequest.importFrom(InMemoryBlobStorage.sasUri("in", "r"),
                InMemoryBlobStorage.sasUri("out", "rw")));
        awaitStatus(job.jobId(), JobStatus.RUNNING);
        // A crash: the record says running, and nothing else happens to it.
        ImportExportJob crashed = store.find(job.jobId()).orElseThrow();
        storage.releaseReads();
        jobs.close();
        store.save(crashed);
        store.close();

        store = SqliteImportExportJobStore.open(directory.resolve("import-export-jobs.db"));
        jobs = new ImportExportJobs(store, storage, devices, modules, twins, new ExportImportDeviceJson(), CLOCK);

        ImportExportJob after = jobs.get(job.jobId());
        assertThat(after.status()).isEqualTo(JobStatus.FAILED);
        assertThat(after.failureReason()).contains("The hub stopped");
        assertThat(after.endTime()).isNotNull();
        assertThatThrownBy(() -> jobs.get("no-such-job")).isInstanceOfSatisfying(IotHubError.class,
                e -> assertThat(e.errorCode()).isEqualTo(404002));
    }

    private void registerSample() {
        devices.create("thermostat", new DeviceUpdate(KEY_A, KEY_B, true, "kept warm"));
        twins.update("thermostat", new TwinSections(JsonParser.parseString("{\"room\":\"kitchen\"}"),
                JsonParser.parseString("{\"target\":21,\"mode\":{\"eco\":true}}")), null);
        twins.updateReported("thermostat", JsonParser.parseString("{\"temperature\":19}"));
        modules.create("thermostat", "sensor", new ModuleUpdate(KEY_B, KEY_A, null));
        twins.update(IdentityId.module("thermostat", "sensor"),
                new TwinSections(JsonParser.parseString("{\"kind\":\"probe\"}"), null), null);
        RegisteredDevice plain = devices.create("plain", DeviceUpdate.enabledWithGeneratedKeys());
        devices.update("plain", new DeviceUpdate(plain.identity().primaryKey(), plain.identity().secondaryKey(),
                false, null), null);
    }

    /** devices.txt by "id" or "id/moduleId". */
    private Map<String, JsonObject> exportedLines() {
        return storage.text("out", "devices.txt").orElseThrow().lines()
                .map(line -> JsonParser.parseString(line).getAsJsonObject())
                .collect(Collectors.toMap(json -> json.get("id").getAsString()
                        + (json.has("moduleId") ? "/" + json.get("moduleId").getAsString() : ""), Function.identity()));
    }

    private ImportExportJob finished(ImportExportJob job) {
        return finished(jobs, job);
    }

    private static ImportExportJob finished(ImportExportJobs jobs, ImportExportJob job) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            ImportExportJob now = jobs.get(job.jobId());
            if (now.status().finished()) {
                return now;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
        throw new AssertionError("job " + job.jobId() + " did not finish");
    }

    private void awaitStatus(String jobId, JobStatus status) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (jobs.get(jobId).status() != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + jobId + " never became " + status.wireName());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
    }
}
