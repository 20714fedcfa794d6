package io.github.iothubquickstart.benchmarks;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLContext;

/**
 * One soak device: the unmodified Azure device SDK on one transport, sending numbered telemetry one message at a time,
 * answering direct methods, reporting a counter, completing cloud-to-device messages. It keeps what the SDK told it:
 * which messages were acknowledged, which reported writes were, what it received during which start of the hub.
 */
final class SoakDevice {
    static final String SEQUENCE_PROPERTY = "soakSeq";
    static final String DEVICE_PROPERTY = "soakDevice";
    static final String REPORTED_PROPERTY = "soakCounter";
    static final String DESIRED_PROPERTY = "soakDesired";
    static final String METHOD = "soakPing";

    private final String deviceId;
    private final IotHubClientProtocol protocol;
    private final DeviceClient client;
    private final IntSupplier hubEpoch;
    private final AtomicBoolean disconnected = new AtomicBoolean();
    private final AtomicLong reconnects = new AtomicLong();

    private final AtomicLong nextSequence = new AtomicLong(1);
    private final AtomicBoolean telemetryInFlight = new AtomicBoolean();
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong telemetryNotAcknowledged = new AtomicLong();

    /** Cloud-to-device message id to the hub starts during which the device received it. */
    private final Map<String, List<Integer>> cloudToDevice = new ConcurrentHashMap<>();
    private final AtomicLong methodsAnswered = new AtomicLong();

    /**
     * The Azure device SDK forgets a twin request once the hub acknowledged receiving it; when the hub is killed before
     * it answers, the SDK never calls back. After this long without an answer the soak counts the write as not
     * acknowledged and reports the next value.
     */
    static final long REPORT_ANSWER_LIMIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    private final AtomicBoolean reportInFlight = new AtomicBoolean();
    private volatile long reportSentAt;
    private long reportAttempted;
    private final AtomicLong reportsUnanswered = new AtomicLong();
    private final AtomicLong reportsAcknowledged = new AtomicLong();
    /** Reported writes the SDK did not acknowledge (failed, or given up on): the hub may still apply them, late. */
    private final Set<Long> reportsUnacknowledgedValues = ConcurrentHashMap.newKeySet();
    private volatile long reportAcknowledged;
    private volatile int reportAcknowledgedVersion;
    private final AtomicLong reportsNotAcknowledged = new AtomicLong();
    private volatile int desiredVersionSeen;
    private final List<String> violations = new CopyOnWriteArrayList<>();

    SoakDevice(String deviceId, IotHubClientProtocol protocol, String connectionString, SSLContext trustHubCa,
               IntSupplier hubEpoch) {
        this.deviceId = deviceId;
        this.protocol = protocol;
        this.hubEpoch = hubEpoch;
        this.client = new DeviceClient(connectionString, protocol, ClientOptions.builder().sslContext(trustHubCa).build());
        client.setMessageCallback((message, context) -> {
            cloudToDevice.computeIfAbsent(message.getMessageId(), id -> new CopyOnWriteArrayList<>())
                    .add(hubEpoch.getAsInt());
            return IotHubMessageResult.COMPLETE;
        }, null);
        client.setConnectionStatusChangeCallback(change -> {
            // DISCONNECTED is the SDK giving up (its retries ran out): the soak opens it again.
            if (change.getNewStatus() == IotHubConnectionStatus.DISCONNECTED) {
                disconnected.set(true);
            }
        }, null);
    }

    /** Opens the client and subscribes to methods and desired properties. */
    void connect() throws IotHubClientException, InterruptedException {
        client.open(true);
        client.subscribeToMethods((method, payload, context) -> {
            methodsAnswered.incrementAndGet();
            return new DirectMethodResponse(200, "{\"device\":\"" + deviceId + "\"}");
        }, null);
        client.subscribeToDesiredProperties((twin, context) -> {
            Integer version = twin.getDesiredProperties().getVersion();
            if (version != null) {
                synchronized (this) {
                    if (version < desiredVersionSeen) {
                        violations.add("desired version went back from " + desiredVersionSeen + " to " + version);
                    }
                    desiredVersionSeen = Math.max(desiredVersionSeen, version);
                }
            }
        }, null);
        disconnected.set(false);
    }

    /** When the SDK gave up reconnecting: closes and connects again. Returns whether it did. */
    boolean reconnectIfGivenUp() {
        if (!disconnected.get()) {
            return false;
        }
        try {
            client.close();
            connect();
            reconnects.incrementAndGet();
        } catch (IotHubClientException e) {
            // The hub is down again: the next round tries again.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /** Sends the next numbered message unless the previous one is still unacknowledged: order per device is kept. */
    void sendTelemetry() {
        if (!telemetryInFlight.compareAndSet(false, true)) {
            return;
        }
        long sequence = nextSequence.getAndIncrement();
        Message message = new Message(("{\"device\":\"" + deviceId + "\",\"seq\":" + sequence + "}")
                .getBytes(StandardCharsets.UTF_8));
        message.setProperty(SEQUENCE_PROPERTY, Long.toString(sequence));
        message.setProperty(DEVICE_PROPERTY, deviceId);
        message.setContentType("application/json");
        try {
            client.sendEventAsync(message, (sent, exception, context) -> {
                if (exception == null) {
                    acknowledged.add(sequence);
                } else {
                    telemetryNotAcknowledged.incrementAndGet();
                }
                telemetryInFlight.set(false);
            }, null);
        } catch (IllegalStateException closed) {
            telemetryNotAcknowledged.incrementAndGet();
            telemetryInFlight.set(false);
        }
    }

    /** Reports the next counter value unless the previous report is still unacknowledged. */
    void reportCounter() {
        long value;
        synchronized (this) {
            if (reportInFlight.get()) {
                if (System.nanoTime() - reportSentAt < REPORT_ANSWER_LIMIT_NANOS) {
                    return;
                }
                reportsUnanswered.incrementAndGet();
                reportsUnacknowledgedValues.add(reportAttempted);
            }
            reportInFlight.set(true);
            reportSentAt = System.nanoTime();
            value = ++reportAttempted;
        }
        TwinCollection patch = new TwinCollection();
        patch.put(REPORTED_PROPERTY, value);
        try {
            client.updateReportedPropertiesAsync(patch, (status, response, exception, context) ->
                    answerReport(value, exception == null && status == IotHubStatusCode.OK && response != null
                            ? response.getVersion() : null, exception == null && status == IotHubStatusCode.OK), null);
        } catch (IllegalStateException closed) {
            answerReport(value, null, false);
        }
    }

    private synchronized void answerReport(long value, Integer version, boolean acknowledged) {
        if (value != reportAttempted) {
            // The answer to a write the soak had given up on: the twin may hold it (the check allows that).
            return;
        }
        reportInFlight.set(false);
        if (!acknowledged) {
            reportsNotAcknowledged.incrementAndGet();
            reportsUnacknowledgedValues.add(value);
            return;
        }
        acknowledgeReport(value, version);
    }

    private void acknowledgeReport(long value, Integer version) {
        if (version == null) {
            violations.add("reported write " + value + " acknowledged without a version");
            return;
        }
        if (version <= reportAcknowledgedVersion) {
            violations.add("reported version went from " + reportAcknowledgedVersion + " to " + version
                    + " (write " + value + ")");
        }
        reportAcknowledged = value;
        reportsAcknowledged.incrementAndGet();
        reportAcknowledgedVersion = Math.max(reportAcknowledgedVersion, version);
    }

    /** What the SDK has not called back on yet. */
    String inFlight() {
        return (telemetryInFlight.get() ? "telemetry seq " + (nextSequence.get() - 1) + " " : "")
                + (reportInFlight.get() ? "reported write " + reportAttempted() : "");
    }

    /** Nothing the SDK still owes an answer for (a twin write unanswered past the limit counts as given up). */
    boolean idle() {
        return !telemetryInFlight.get()
                && (!reportInFlight.get() || System.nanoTime() - reportSentAt >= REPORT_ANSWER_LIMIT_NANOS);
    }

    void close() {
        try {
            client.close();
        } catch (RuntimeException ignored) {
            // closing a client whose hub is gone
        }
    }

    String deviceId() {
        return deviceId;
    }

    IotHubClientProtocol protocol() {
        return protocol;
    }

    Set<Long> acknowledged() {
        return acknowledged;
    }

    long telemetrySent() {
        return nextSequence.get() - 1;
    }

    long telemetryNotAcknowledged() {
        return telemetryNotAcknowledged.get();
    }

    Map<String, List<Integer>> cloudToDevice() {
        return cloudToDevice;
    }

    long methodsAnswered() {
        return methodsAnswered.get();
    }

    long reconnects() {
        return reconnects.get();
    }

    synchronized long reportAttempted() {
        return reportAttempted;
    }

    long reportAcknowledged() {
        return reportAcknowledged;
    }

    int reportAcknowledgedVersion() {
        return reportAcknowledgedVersion;
    }

    long reportsNotAcknowledged() {
        return reportsNotAcknowledged.get();
    }

    long reportsAcknowledged() {
        return reportsAcknowledged.get();
    }

    Set<Long> reportsUnacknowledgedValues() {
        return reportsUnacknowledgedValues;
    }

    long reportsUnanswered() {
        return reportsUnanswered.get();
    }

    List<String> violations() {
        return violations;
    }
}
