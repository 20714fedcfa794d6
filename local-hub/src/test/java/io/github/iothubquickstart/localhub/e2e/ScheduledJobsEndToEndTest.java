package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.MethodCallback;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyRequestsException;
import com.microsoft.azure.sdk.iot.service.jobs.DirectMethodsJobOptions;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJob;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobStatus;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobType;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobsClient;
import com.microsoft.azure.sdk.iot.service.query.JobQueryResponse;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.query.QueryPageOptions;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scheduled jobs (v2) from the real service SDK's {@code ScheduledJobsClient} and {@code QueryClient}, run on real
 * device SDK clients over MQTT and AMQPS: what each device gets, the job's statistics, each device's record in
 * {@code devices.jobs}, cancel, max execution time, queries by type and status, and IoT Hub's errors.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ScheduledJobsEndToEndTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static ScheduledJobsClient jobs;
    static QueryClient query;
    static final AtomicInteger echoCalls = new AtomicInteger();

    /** "echo" answers 200 with "echo:" and the payload; "slow" takes 10 s. */
    static final MethodCallback HANDLER = (name, payload, context) -> {
        if (name.equals("slow")) {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        echoCalls.incrementAndGet();
        return new DirectMethodResponse(200, name + ":" + payload.getPayloadAsJsonElement().getAsString());
    };

    @BeforeAll
    static void setUp() {
        jobs = new ScheduledJobsClient(hub.hub.serviceHost(), new AzureSasCredential(hub.sasToken("iothubowner")));
        query = hub.queryClient("iothubowner");
    }

    @Test
    void aMethodJobCallsEachSelectedDeviceOverMqttAndAmqpsAndRecordsEachOutcome() throws Exception {
        connect("method-mqtt", IotHubClientProtocol.MQTT);
        connect("method-amqp", IotHubClientProtocol.AMQPS);
        hub.registerDevice("method-offline");
        hub.registerDevice("method-not-selected");

        jobs.scheduleDirectMethod("method-job", "deviceId IN ['method-mqtt', 'method-amqp', 'method-offline']",
                "echo", new Date(), DirectMethodsJobOptions.builder().payload("hello")
                        .methodConnectTimeoutSeconds(1).methodResponseTimeoutSeconds(10)
                        .maxExecutionTimeSeconds(60).build());
        ScheduledJob job = awaitStatus("method-job", ScheduledJobStatus.completed);

        assertThat(job.getJobType()).isEqualTo(ScheduledJobType.scheduleDeviceMethod);
        assertThat(job.getJobStatistics().getDeviceCount()).isEqualTo(3);
        assertThat(job.getJobStatistics().getSucceededCount()).isEqualTo(2);
        assertThat(job.getJobStatistics().getFailedCount()).isEqualTo(1);
        assertThat(job.getJobStatistics().getPendingCount()).isZero();
        assertThat(job.getEndTime()).isNotNull();
        Map<String, ScheduledJob> records = deviceJobs("SELECT * FROM devices.jobs WHERE devices.jobs.jobId = 'method-job'");
        assertThat(records).containsOnlyKeys("method-mqtt", "method-amqp", "method-offline");
        for (String deviceId : List.of("method-mqtt", "method-amqp")) {
            ScheduledJob record = records.get(deviceId);
            assertThat(record.getJobStatus()).isEqualTo(ScheduledJobStatus.completed);
            assertThat(record.getJobType()).isEqualTo(ScheduledJobType.scheduleDeviceMethod);
            assertThat(record.getOutcomeResult().getStatus()).isEqualTo(200);
            assertThat(record.getOutcomeResult().getPayload(String.class)).isEqualTo("echo:hello");
            assertThat(record.getStartTime()).isNotNull();
            assertThat(record.getEndTime()).isNotNull();
            assertThat(record.getCreatedTime()).isNotNull();
            assertThat(record.getLastUpdatedDateTime()).isNotNull();
        }
        ScheduledJob offline = records.get("method-offline");
        assertThat(offline.getJobStatus()).isEqualTo(ScheduledJobStatus.failed);
        assertThat(offline.getError()).contains("DeviceNotOnline");
    }

    @Test
    void aTwinJobUpdatesTagsAndDesiredPropertiesOfTheSelectedDevicesOverMqttAndAmqps() throws Exception {
        LinkedBlockingQueue<Object> mqttSetpoints = desiredSetpoints(connect("twin-mqtt", IotHubClientProtocol.MQTT));
        LinkedBlockingQueue<Object> amqpSetpoints = desiredSetpoints(connect("twin-amqp", IotHubClientProtocol.AMQPS));
        hub.registerDevice("twin-elsewhere");
        tag("twin-mqtt", "building", "43");
        tag("twin-amqp", "building", "43");
        tag("twin-elsewhere", "building", "7");

        Twin update = new Twin();
        update.getTags().put("floor", 2);
        update.getDesiredProperties().put("setpoint", 21);
        jobs.scheduleUpdateTwin("twin-job", "tags.building = '43'", update, new Date(), 60);
        ScheduledJob job = awaitStatus("twin-job", ScheduledJobStatus.completed);

        assertThat(job.getJobStatistics().getDeviceCount()).isEqualTo(2);
        assertThat(job.getJobStatistics().getSucceededCount()).isEqualTo(2);
        assertThat(((Number) mqttSetpoints.poll(10, TimeUnit.SECONDS)).intValue()).isEqualTo(21);
        assertThat(((Number) amqpSetpoints.poll(10, TimeUnit.SECONDS)).intValue()).isEqualTo(21);
        var twins = hub.twinClient("iothubowner");
        assertThat(((Number) twins.get("twin-mqtt").getTags().get("floor")).intValue()).isEqualTo(2);
        assertThat(((Number) twins.get("twin-amqp").getTags().get("floor")).intValue()).isEqualTo(2);
        assertThat(twins.get("twin-elsewhere").getTags().get("floor")).isNull();
        assertThat(twins.get("twin-elsewhere").getDesiredProperties().get("setpoint")).isNull();
        Map<String, ScheduledJob> records = deviceJobs("SELECT * FROM devices.jobs WHERE jobId = 'twin-job'"
                + " AND status = 'completed'");
        assertThat(records).containsOnlyKeys("twin-mqtt", "twin-amqp");
        assertThat(records.get("twin-mqtt").getJobType()).isEqualTo(ScheduledJobType.scheduleUpdateTwin);
    }

    @Test
    void aCancelledJobNeverRuns() throws Exception {
        connect("cancel-device", IotHubClientProtocol.MQTT);
        int callsBefore = echoCalls.get();
        Date inAnHour = new Date(System.currentTimeMillis() + 3_600_000);
        ScheduledJob scheduled = jobs.scheduleDirectMethod("cancel-job", "deviceId = 'cancel-device'", "echo", inAnHour,
                DirectMethodsJobOptions.builder().payload("x").build());
        assertThat(scheduled.getJobStatus()).isEqualTo(ScheduledJobStatus.scheduled);

        ScheduledJob cancelled = jobs.cancel("cancel-job");

        assertThat(cancelled.getJobStatus()).isEqualTo(ScheduledJobStatus.cancelled);
        assertThat(jobs.get("cancel-job").getJobStatus()).isEqualTo(ScheduledJobStatus.cancelled);
        assertThat(jobs.get("cancel-job").getJobStatistics().getDeviceCount()).isZero();
        assertThat(echoCalls.get()).isEqualTo(callsBefore);
    }

    @Test
    void aRunningJobWorksOnTenDevicesAtATimeAndCancelStopsTheOnesNotStarted() throws Exception {
        for (int i = 0; i < 12; i++) {
            hub.registerDevice(String.format("offline-%02d", i));
        }
        // Offline devices: each call waits up to 30 s for its device to connect.
        jobs.scheduleDirectMethod("busy-job", "deviceId IN ["
                        + String.join(", ", java.util.stream.IntStream.range(0, 12)
                                .mapToObj(i -> String.format("'offline-%02d'", i)).toList()) + "]",
                "echo", new Date(), DirectMethodsJobOptions.builder().payload("x").methodConnectTimeoutSeconds(30)
                        .methodResponseTimeoutSeconds(5).maxExecutionTimeSeconds(120).build());
        TestHub.awaitThat(() -> statistics("busy-job").getRunningCount() == 10, Duration.ofSeconds(20),
                "ten devices are under way");
        assertThat(statistics("busy-job").getPendingCount()).isEqualTo(2);

        ScheduledJob cancelled = jobs.cancel("busy-job");

        assertThat(cancelled.getJobStatus()).isEqualTo(ScheduledJobStatus.cancelled);
        Map<String, ScheduledJob> records = deviceJobs("SELECT * FROM devices.jobs WHERE jobId = 'busy-job'"
                + " AND status = 'cancelled'");
        assertThat(records).containsOnlyKeys("offline-10", "offline-11");
        assertThat(jobs.get("busy-job").getJobStatistics().getRunningCount()).isEqualTo(10);
    }

    @Test
    void moreThanTenActiveJobsAreThrottledUntilOneEnds() throws Exception {
        hub.registerDevice("limit-device");
        Date inAnHour = new Date(System.currentTimeMillis() + 3_600_000);
        List<String> created = new ArrayList<>();
        IotHubTooManyRequestsException refused = null;
        for (int i = 0; i <= 10 && refused == null; i++) {
            try {
                jobs.scheduleDirectMethod("limit-" + i, "deviceId = 'limit-device'", "echo", inAnHour,
                        DirectMethodsJobOptions.builder().build());
                created.add("limit-" + i);
            } catch (IotHubTooManyRequestsException e) {
                refused = e;
            }
        }
        assertThat(refused).as("the 11th active job is refused").isNotNull();
        assertThat(refused.getMessage()).contains("at most 10");

        jobs.cancel(created.get(0));
        jobs.scheduleDirectMethod("limit-after", "deviceId = 'limit-device'", "echo", inAnHour,
                DirectMethodsJobOptions.builder().build());
        created.add("limit-after");
        for (String jobId : created) {
            jobs.cancel(jobId);
        }
    }

    private static com.microsoft.azure.sdk.iot.service.jobs.JobStatistics statistics(String jobId) {
        try {
            return jobs.get(jobId).getJobStatistics();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void maxExecutionTimeEndsTheJobAndFailsTheDevicesNotDone() throws Exception {
        connect("slow-device", IotHubClientProtocol.MQTT);
        long started = System.nanoTime();

        jobs.scheduleDirectMethod("slow-job", "deviceId = 'slow-device'", "slow", new Date(),
                DirectMethodsJobOptions.builder().payload("x").methodResponseTimeoutSeconds(30)
                        .maxExecutionTimeSeconds(2).build());
        ScheduledJob job = awaitStatus("slow-job", ScheduledJobStatus.failed);

        // Ended by the deadline, before the device answers (10 s), which would have completed it.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(job.getJobStatistics().getFailedCount()).isEqualTo(1);
        assertThat(job.getFailureReason()).contains("maxExecutionTimeInSeconds");
        ScheduledJob record = deviceJobs("SELECT * FROM devices.jobs WHERE jobId = 'slow-job'").get("slow-device");
        assertThat(record.getJobStatus()).isEqualTo(ScheduledJobStatus.failed);
        assertThat(record.getError()).contains("JobExpired");
    }

    @Test
    void jobsAreQueriedByTypeAndStatusAPageAtATime() throws Exception {
        hub.registerDevice("query-device");
        Twin update = new Twin();
        update.getDesiredProperties().put("q", 1);
        for (String jobId : List.of("query-1", "query-2", "query-3")) {
            jobs.scheduleUpdateTwin(jobId, "deviceId = 'query-device'", update, new Date(), 60);
            awaitStatus(jobId, ScheduledJobStatus.completed);
        }
        Date later = new Date(System.currentTimeMillis() + 3_600_000);
        jobs.scheduleDirectMethod("query-scheduled", "deviceId = 'query-device'", "echo", later,
                DirectMethodsJobOptions.builder().build());

        JobQueryResponse twinJobs = query.queryJobs(ScheduledJobType.scheduleUpdateTwin, ScheduledJobStatus.completed,
                QueryPageOptions.builder().pageSize(1).build());
        List<String> found = new ArrayList<>();
        while (twinJobs.hasNext()) {
            ScheduledJob job = twinJobs.next(QueryPageOptions.builder().pageSize(1).build());
            assertThat(job.getJobType()).isEqualTo(ScheduledJobType.scheduleUpdateTwin);
            assertThat(job.getJobStatus()).isEqualTo(ScheduledJobStatus.completed);
            assertThat(job.getJobStatistics()).isNotNull();
            found.add(job.getJobId());
        }
        assertThat(found).contains("query-1", "query-2", "query-3").doesNotContain("query-scheduled");

        JobQueryResponse scheduled = query.queryJobs(ScheduledJobType.scheduleDeviceMethod, ScheduledJobStatus.scheduled);
        assertThat(scheduled.hasNext()).isTrue();
        assertThat(scheduled.next().getJobId()).isEqualTo("query-scheduled");
        jobs.cancel("query-scheduled");
    }

    @Test
    void iotHubsErrorsForADuplicateIdABadConditionAndAnUnknownJob() throws Exception {
        hub.registerDevice("error-device");
        Twin update = new Twin();
        update.getDesiredProperties().put("e", 1);
        jobs.scheduleUpdateTwin("error-job", "deviceId = 'error-device'", update, new Date(), 60);

        assertThatThrownBy(() -> jobs.scheduleUpdateTwin("error-job", "deviceId = 'error-device'", update, new Date(), 60))
                .isInstanceOf(IotHubConflictException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getMessage()).contains("error-job"));
        assertThatThrownBy(() -> jobs.scheduleUpdateTwin("bad-condition", "deviceId = ", update, new Date(), 60))
                .isInstanceOf(IotHubBadFormatException.class)
                .hasMessageContaining("queryCondition");
        assertThatThrownBy(() -> jobs.get("no-such-job")).isInstanceOf(IotHubNotFoundException.class);
        assertThatThrownBy(() -> jobs.cancel("no-such-job")).isInstanceOf(IotHubNotFoundException.class);
        assertThatThrownBy(() -> jobs.get("bad-condition")).isInstanceOf(IotHubNotFoundException.class);
    }

    @Test
    void badRequestsAreRefusedWithIotHubsErrorsAndNothingIsStored() throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(hub.trustHubCa).build();
        String method = "{\"methodName\": \"echo\", \"payload\": 1}";
        String[][] refused = {
                {"not json", "400"},
                {"{\"type\": \"scheduleReboot\", \"queryCondition\": \"deviceId = 'a'\"}", "400"},
                {"{\"type\": \"scheduleDeviceMethod\", \"queryCondition\": \"deviceId = 'a'\"}", "400"},
                {"{\"type\": \"scheduleDeviceMethod\", \"cloudToDeviceMethod\": " + method + "}", "400"},
                {"{\"type\": \"scheduleDeviceMethod\", \"queryCondition\": \"deviceId = 'a'\", \"startTime\":"
                        + " \"yesterday\", \"cloudToDeviceMethod\": " + method + "}", "400"},
                {"{\"type\": \"scheduleDeviceMethod\", \"queryCondition\": \"deviceId = 'a'\","
                        + " \"maxExecutionTimeInSeconds\": -1, \"cloudToDeviceMethod\": " + method + "}", "400"},
                {"{\"jobId\": \"other\", \"type\": \"scheduleDeviceMethod\", \"queryCondition\": \"deviceId = 'a'\","
                        + " \"cloudToDeviceMethod\": " + method + "}", "400"},
                {"{\"type\": \"scheduleUpdateTwin\", \"queryCondition\": \"deviceId = 'a'\", \"updateTwin\":"
                        + " {\"properties\": {\"reported\": {\"x\": 1}}}}", "400"},
        };
        for (String[] request : refused) {
            HttpResponse<String> response = put(http, "bad-request", request[0], hub.sasToken("iothubowner"),
                    "2021-04-12");
            assertThat(response.statusCode()).as(request[0]).isEqualTo(Integer.parseInt(request[1]));
            assertThat(response.body()).as(request[0]).contains("errorCode");
        }
        String valid = "{\"type\": \"scheduleDeviceMethod\", \"queryCondition\": \"deviceId = 'a'\","
                + " \"cloudToDeviceMethod\": " + method + "}";
        assertThat(put(http, "bad-request", valid, hub.sasToken("registryRead"), "2021-04-12").statusCode())
                .as("a policy without ServiceConnect").isEqualTo(401);
        assertThat(put(http, "bad-request", valid, hub.sasToken("iothubowner"), "yesterday").statusCode())
                .as("a malformed api-version").isEqualTo(400);
        assertThatThrownBy(() -> jobs.get("bad-request")).isInstanceOf(IotHubNotFoundException.class);
    }

    private static HttpResponse<String> put(HttpClient http, String jobId, String body, String token,
                                            String apiVersion) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("https://" + hub.hub.serviceHost() + "/jobs/v2/" + jobId
                        + "?api-version=" + apiVersion))
                .header("Authorization", token)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aStartTimeInThePastRunsTheJobNow() throws Exception {
        hub.registerDevice("past-device");
        Twin update = new Twin();
        update.getDesiredProperties().put("past", true);

        jobs.scheduleUpdateTwin("past-job", "deviceId = 'past-device'", update,
                new Date(System.currentTimeMillis() - 86_400_000), 60);

        awaitStatus("past-job", ScheduledJobStatus.completed);
        assertThat(hub.twinClient("iothubowner").get("past-device").getDesiredProperties().get("past")).isEqualTo(true);
    }

    private static DeviceClient connect(String deviceId, IotHubClientProtocol protocol) throws Exception {
        hub.registerDevice(deviceId);
        DeviceClient client = hub.device(deviceId, protocol);
        client.open(false);
        client.subscribeToMethods(HANDLER, null);
        return client;
    }

    /** The values of desired "setpoint" the device is told of, in order. */
    private static LinkedBlockingQueue<Object> desiredSetpoints(DeviceClient device) throws Exception {
        LinkedBlockingQueue<Object> setpoints = new LinkedBlockingQueue<>();
        device.subscribeToDesiredProperties((twin, context) -> {
            Object value = twin.getDesiredProperties().get("setpoint");
            if (value != null) {
                setpoints.add(value);
            }
        }, null);
        return setpoints;
    }

    private static void tag(String deviceId, String name, String value) throws Exception {
        Twin patch = new Twin(deviceId);
        patch.getTags().put(name, value);
        hub.twinClient("iothubowner").patch(patch);
    }

    static ScheduledJob awaitStatus(String jobId, ScheduledJobStatus status) throws Exception {
        ScheduledJob[] job = {jobs.get(jobId)};
        TestHub.awaitThat(() -> {
            try {
                job[0] = jobs.get(jobId);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return job[0].getJobStatus() == status;
        }, Duration.ofSeconds(30), "job " + jobId + " is " + status);
        return job[0];
    }

    /** The device records a devices.jobs query returns, by device id. */
    private static Map<String, ScheduledJob> deviceJobs(String sql) throws Exception {
        Map<String, ScheduledJob> records = new HashMap<>();
        JobQueryResponse response = query.queryJobs(sql);
        while (response.hasNext()) {
            ScheduledJob record = response.next();
            records.put(record.getDeviceId(), record);
        }
        return records;
    }
}
