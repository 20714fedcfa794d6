package io.github.iothubquickstart.benchmarks;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackBatch;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * The back-end of the soak, with the unmodified Azure service SDK: invokes direct methods, sends cloud-to-device
 * messages with {@code ack=full} and reads their feedback, patches desired properties. It keeps what the SDK saw
 * accepted; its clients are opened again whenever the hub's restart closed them.
 */
final class SoakBackEnd {
    private final String hostName;
    private final AzureSasCredential credential;
    private final SSLContext trustHubCa;
    private final DirectMethodsClient methods;
    private final TwinClient twins;
    private MessagingClient messaging;
    private MessageFeedbackProcessorClient feedback;

    /** Accepted cloud-to-device message id to its device. */
    private final Map<String, String> accepted = new ConcurrentHashMap<>();
    /** Original message id to every feedback status the hub sent for it. */
    private final Map<String, List<FeedbackStatusCode>> feedbackByMessage = new ConcurrentHashMap<>();
    private final AtomicLong cloudToDeviceRefused = new AtomicLong();
    private final AtomicLong messageCounter = new AtomicLong();
    private final Map<String, DesiredLedger> desired = new ConcurrentHashMap<>();
    private final Map<String, MethodLedger> methodCalls = new ConcurrentHashMap<>();

    /** The desired writes of one device: the last attempted, the last acknowledged and its version. */
    static final class DesiredLedger {
        long attempted;
        long acknowledged;
        int acknowledgedVersion;
        long acknowledgedWrites;
        final java.util.Set<Long> unacknowledged = ConcurrentHashMap.newKeySet();
        final List<String> violations = new CopyOnWriteArrayList<>();
    }

    /** Direct method calls to one device: answered 200, failed (hub down, device reconnecting). */
    static final class MethodLedger {
        final AtomicLong answered = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
    }

    SoakBackEnd(String hostName, int httpsPort, AzureSasCredential credential, SSLContext trustHubCa) {
        this.hostName = hostName;
        this.credential = credential;
        this.trustHubCa = trustHubCa;
        String serviceHost = hostName + ":" + httpsPort;
        this.methods = new DirectMethodsClient(serviceHost, credential);
        this.twins = new TwinClient(serviceHost, credential);
    }

    void invokeMethod(String deviceId) {
        MethodLedger ledger = methodCalls.computeIfAbsent(deviceId, id -> new MethodLedger());
        try {
            int status = methods.invoke(deviceId, SoakDevice.METHOD, DirectMethodRequestOptions.builder()
                    .payload("ping").methodResponseTimeoutSeconds(10).methodConnectTimeoutSeconds(5).build()).getStatus();
            (status == 200 ? ledger.answered : ledger.failed).incrementAndGet();
        } catch (Exception e) {
            ledger.failed.incrementAndGet();
        }
    }

    /** Sends one message with ack=full; only what the service SDK saw accepted is counted as sent. */
    void sendCloudToDevice(String deviceId) {
        try {
            MessagingClient client = messaging();
            if (client == null) {
                return;
            }
            String messageId = deviceId + "/c2d-" + messageCounter.incrementAndGet();
            Message message = new Message("{\"soak\":\"" + messageId + "\"}");
            message.setMessageId(messageId);
            message.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
            client.send(deviceId, message, 15_000);
            accepted.put(messageId, deviceId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            cloudToDeviceRefused.incrementAndGet();
            closeMessaging();
        }
    }

    /** Patches one desired property with the device's next value; the acknowledged version must grow. */
    void patchDesired(String deviceId) {
        DesiredLedger ledger = desired.computeIfAbsent(deviceId, id -> new DesiredLedger());
        long value;
        synchronized (ledger) {
            value = ++ledger.attempted;
        }
        Twin patch = new Twin(deviceId);
        patch.getDesiredProperties().put(SoakDevice.DESIRED_PROPERTY, value);
        try {
            Twin updated = twins.patch(patch);
            Integer version = updated.getDesiredProperties().getVersion();
            synchronized (ledger) {
                if (version == null || version <= ledger.acknowledgedVersion) {
                    ledger.violations.add("desired version went from " + ledger.acknowledgedVersion + " to " + version
                            + " (write " + value + ")");
                }
                ledger.acknowledged = value;
                ledger.acknowledgedWrites++;
                ledger.acknowledgedVersion = version == null ? ledger.acknowledgedVersion
                        : Math.max(version, ledger.acknowledgedVersion);
            }
        } catch (Exception e) {
            // Not acknowledged: the hub may or may not hold it.
            ledger.unacknowledged.add(value);
        }
    }

    /** Starts the feedback receiver when it is not running (first time, or after the hub's restart stopped it). */
    synchronized void keepFeedbackRunning() {
        try {
            if (feedback != null && feedback.isRunning()) {
                return;
            }
            if (feedback != null) {
                feedback.stop();
            }
            feedback = new MessageFeedbackProcessorClient(hostName, credential, IotHubServiceClientProtocol.AMQPS,
                    this::onFeedback, MessageFeedbackProcessorClientOptions.builder().sslContext(trustHubCa).build());
            feedback.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The hub is down: the next round tries again.
        }
    }

    private AcknowledgementType onFeedback(FeedbackBatch batch) {
        for (FeedbackRecord record : batch.getRecords()) {
            feedbackByMessage.computeIfAbsent(record.getOriginalMessageId(), id -> new CopyOnWriteArrayList<>())
                    .add(record.getStatusCode());
        }
        return AcknowledgementType.COMPLETE;
    }

    Twin twin(String deviceId) throws Exception {
        return twins.get(deviceId);
    }

    private synchronized MessagingClient messaging() throws Exception {
        if (messaging != null && messaging.isOpen()) {
            return messaging;
        }
        closeMessaging();
        MessagingClient client = new MessagingClient(hostName, credential, IotHubServiceClientProtocol.AMQPS,
                MessagingClientOptions.builder().sslContext(trustHubCa).build());
        try {
            client.open();
        } catch (Exception e) {
            return null;
        }
        messaging = client;
        return client;
    }

    private synchronized void closeMessaging() {
        if (messaging == null) {
            return;
        }
        try {
            messaging.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ignored) {
            // its connection is gone already
        }
        messaging = null;
    }

    synchronized void close() throws InterruptedException {
        closeMessaging();
        if (feedback != null) {
            try {
                feedback.stop();
            } catch (RuntimeException ignored) {
                // its connection is gone already
            }
        }
    }

    Map<String, String> accepted() {
        return accepted;
    }

    Map<String, List<FeedbackStatusCode>> feedback() {
        return feedbackByMessage;
    }

    long cloudToDeviceRefused() {
        return cloudToDeviceRefused.get();
    }

    DesiredLedger desired(String deviceId) {
        return desired.computeIfAbsent(deviceId, id -> new DesiredLedger());
    }

    MethodLedger methodCalls(String deviceId) {
        return methodCalls.computeIfAbsent(deviceId, id -> new MethodLedger());
    }
}
