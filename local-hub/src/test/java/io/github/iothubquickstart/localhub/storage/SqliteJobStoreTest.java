package io.github.iothubquickstart.localhub.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.jobs.DeviceJob;
import io.github.iothubquickstart.localhub.jobs.DeviceMethodResponse;
import io.github.iothubquickstart.localhub.jobs.JobMethod;
import io.github.iothubquickstart.localhub.jobs.JobRequest;
import io.github.iothubquickstart.localhub.jobs.JobStatus;
import io.github.iothubquickstart.localhub.jobs.JobType;
import io.github.iothubquickstart.localhub.jobs.ScheduledJob;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteJobStoreTest {
    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00.123Z");

    @TempDir
    Path directory;

    @Test
    void jobsAndDeviceRecordsReadBackAsStoredAfterReopening() {
        ScheduledJob method = new ScheduledJob(new JobRequest("m", JobType.SCHEDULE_DEVICE_METHOD, "deviceId = 'a'",
                T0.plusSeconds(60), Duration.ofSeconds(30),
                new JobMethod("reboot", "{\"delay\":1}", Duration.ofSeconds(20), Duration.ofSeconds(5)), null),
                JobStatus.scheduled, T0, null, null);
        ScheduledJob twin = new ScheduledJob(new JobRequest("t", JobType.SCHEDULE_UPDATE_TWIN, "tags.x = 'y'", T0,
                Duration.ofSeconds(60), null,
                JsonParser.parseString("{\"properties\":{\"desired\":{\"a\":1}},\"etag\":\"*\"}").getAsJsonObject()),
                JobStatus.queued, T0, null, null);
        DeviceJob answered = new DeviceJob("m", "a", JobType.SCHEDULE_DEVICE_METHOD, JobStatus.completed, T0,
                T0.plusSeconds(1), T0.plusSeconds(2), T0.plusSeconds(2),
                new DeviceMethodResponse(200, JsonParser.parseString("{\"ok\":true}")), null, null);
        DeviceJob failed = new DeviceJob("m", "b", JobType.SCHEDULE_DEVICE_METHOD, JobStatus.failed, T0,
                T0.plusSeconds(1), T0.plusSeconds(3), T0.plusSeconds(3), null, "DeviceNotOnline", "offline");
        Path file = directory.resolve("jobs.db");
        try (SqliteJobStore store = SqliteJobStore.open(file)) {
            assertThat(store.insert(method)).isTrue();
            assertThat(store.insert(twin)).isTrue();
            assertThat(store.insert(method.withStatus(JobStatus.queued))).as("a job id in use").isFalse();
            store.start(method.withStatus(JobStatus.running), List.of(answered, failed));
            store.update(twin.ended(JobStatus.cancelled, T0.plusSeconds(5), "why"));
        }

        try (SqliteJobStore reopened = SqliteJobStore.open(file)) {
            assertThat(reopened.list()).containsExactly(method.withStatus(JobStatus.running),
                    twin.ended(JobStatus.cancelled, T0.plusSeconds(5), "why"));
            assertThat(reopened.find("nope")).isEmpty();
            assertThat(reopened.deviceJobs("m")).containsExactly(answered, failed);
            assertThat(reopened.allDeviceJobs()).containsExactlyInAnyOrder(answered, failed);
        }
    }
}
