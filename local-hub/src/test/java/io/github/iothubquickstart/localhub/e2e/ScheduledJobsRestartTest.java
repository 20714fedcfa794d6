package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.jobs.DirectMethodsJobOptions;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJob;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobStatus;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobsClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scheduled jobs outlive a hub restart: a job scheduled for later runs at its time on the restarted hub, and a job
 * running when the hub stopped carries on there (here: its device, offline before, connects to the new hub).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ScheduledJobsRestartTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();

    @Test
    void aJobScheduledForLaterAndAJobRunningAtTheStopBothCompleteOnTheRestartedHub() throws Exception {
        hub.registerDevice("later-device");
        hub.registerDevice("waited-for-device");
        ScheduledJobsClient before = jobsClient(hub);
        Twin update = new Twin();
        update.getDesiredProperties().put("afterRestart", "yes");
        before.scheduleUpdateTwin("later-job", "deviceId = 'later-device'", update,
                new Date(System.currentTimeMillis() + 20_000), 120);
        // Its device is offline: the job runs, waiting up to 60 s for it to connect.
        before.scheduleDirectMethod("running-job", "deviceId = 'waited-for-device'", "resume", new Date(),
                DirectMethodsJobOptions.builder().payload("p").methodConnectTimeoutSeconds(60)
                        .methodResponseTimeoutSeconds(10).maxExecutionTimeSeconds(120).build());
        awaitStatus(before, "running-job", ScheduledJobStatus.running);
        assertThat(before.get("later-job").getJobStatus()).isEqualTo(ScheduledJobStatus.scheduled);

        hub.restart();

        ScheduledJobsClient after = jobsClient(hub);
        DeviceClient device = hub.device("waited-for-device");
        device.open(false);
        device.subscribeToMethods((name, payload, context) -> new DirectMethodResponse(200, "resumed:" + name),
                null);

        ScheduledJob running = awaitStatus(after, "running-job", ScheduledJobStatus.completed);
        ScheduledJob later = awaitStatus(after, "later-job", ScheduledJobStatus.completed);

        assertThat(running.getJobStatistics().getSucceededCount()).isEqualTo(1);
        assertThat(later.getJobStatistics().getSucceededCount()).isEqualTo(1);
        assertThat(hub.twinClient("iothubowner").get("later-device").getDesiredProperties()
                .get("afterRestart")).isEqualTo("yes");
    }

    private static ScheduledJobsClient jobsClient(TestHub hub) {
        return new ScheduledJobsClient(hub.hub.serviceHost(), new AzureSasCredential(hub.sasToken("iothubowner")));
    }

    private static ScheduledJob awaitStatus(ScheduledJobsClient jobs, String jobId, ScheduledJobStatus status)
            throws Exception {
        ScheduledJob[] job = {null};
        TestHub.awaitThat(() -> {
            try {
                job[0] = jobs.get(jobId);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return job[0].getJobStatus() == status;
        }, Duration.ofSeconds(60), "job " + jobId + " is " + status);
        return job[0];
    }
}
