package io.github.iothubquickstart.localhub.e2e;

import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.GetTwinCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.device.transport.IotHubTransportMessage;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device SDK's twin GET and reported-properties update, each waited for at most {@link #ANSWER_TIMEOUT}. The
 * device SDK 2.5.0 can lose the hub's answer after receiving it (docs/sdk-twin-race.md); it has then called
 * {@code onResponseAcknowledged} with that answer but never {@code onResponseReceived}. Only in that case is the
 * outcome read from the answer the SDK received, as the SDK would have read it (a GET's twin from its body, a
 * reported update's status and version from its topic); nothing is sent again. Each recovery is logged and counted;
 * a hub that did not answer fails the test.
 */
final class TwinRequests {
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    /** How long after the SDK acknowledged an answer it may still hand it over before it counts as lost. */
    static final Duration LOST_AFTER = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final AtomicInteger RECOVERED = new AtomicInteger();
    private static final Logger LOG = LoggerFactory.getLogger(TwinRequests.class);

    private TwinRequests() {
    }

    static Twin getTwin(InternalClient device) throws IotHubClientException, InterruptedException {
        return send("twin GET", TwinRequests::getOutcome, attempt -> device.getTwinAsync(new GetTwinCorrelatingMessageCallback() {
            @Override
            public void onRequestQueued(Message message, Object context) {
            }

            @Override
            public void onRequestSent(Message message, Object context) {
            }

            @Override
            public void onRequestAcknowledged(Message message, Object context, IotHubClientException e) {
            }

            @Override
            public void onResponseReceived(Twin twin, Message message, Object context, IotHubStatusCode status,
                                           IotHubClientException e) {
                attempt.answered(twin, e);
            }

            @Override
            public void onResponseAcknowledged(Message message, Object context) {
                attempt.receivedBySdk(message);
            }
        }, null));
    }

    static ReportedPropertiesUpdateResponse updateReportedProperties(InternalClient device, TwinCollection reported)
            throws IotHubClientException, InterruptedException {
        return send("reported properties update", TwinRequests::reportedUpdateOutcome,
                attempt -> device.updateReportedPropertiesAsync(reported,
                new ReportedPropertiesUpdateCorrelatingMessageCallback() {
                    @Override
                    public void onRequestQueued(Message message, Object context) {
                    }

                    @Override
                    public void onRequestSent(Message message, Object context) {
                    }

                    @Override
                    public void onRequestAcknowledged(Message message, Object context, IotHubClientException e) {
                    }

                    @Override
                    public void onResponseReceived(Message message, Object context, IotHubStatusCode status,
                                                   ReportedPropertiesUpdateResponse response, IotHubClientException e) {
                        attempt.answered(response, e);
                    }

                    @Override
                    public void onResponseAcknowledged(Message message, Object context) {
                        attempt.receivedBySdk(message);
                    }
                }, null));
    }

    /** How many answers the SDK received and lost were read from the received answer, since this JVM started. */
    static int recoveredAnswers() {
        return RECOVERED.get();
    }

    /** The twin the hub answered a GET with, from the answer message the SDK received and did not hand over. */
    private static Twin getOutcome(Message answer) {
        failIfRefused((IotHubTransportMessage) answer);
        // As the SDK's DeviceTwin reads a GET's answer before handing it over.
        return Twin.createFromPropertiesJson(new String(answer.getBytes(), Message.DEFAULT_IOTHUB_MESSAGE_CHARSET));
    }

    /** What the hub answered to a reported update, from the answer message the SDK received and did not hand over. */
    private static ReportedPropertiesUpdateResponse reportedUpdateOutcome(Message answer) {
        IotHubTransportMessage message = (IotHubTransportMessage) answer;
        failIfRefused(message);
        return new ReportedPropertiesUpdateResponse(message.getVersion());
    }

    /** A refusal in a lost answer, as the SDK would have reported it (IotHubTransport.onMessageReceived). */
    private static void failIfRefused(IotHubTransportMessage answer) {
        IotHubStatusCode status = IotHubStatusCode.getIotHubStatusCode(Integer.parseInt(answer.getStatus()));
        if (!IotHubStatusCode.isSuccessful(status)) {
            throw new LostAnswerFailure(new IotHubClientException(status,
                    "Received an unsuccessful operation error code from the service: " + status));
        }
    }

    /** Carries a refusal read from a lost answer out of the decoding function. */
    private static final class LostAnswerFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LostAnswerFailure(IotHubClientException cause) {
            super(cause);
        }
    }

    /** @param fromLostAnswer reads the outcome from an answer the SDK received but lost */
    private static <T> T send(String what, Function<Message, T> fromLostAnswer, Consumer<Attempt<T>> request)
            throws IotHubClientException, InterruptedException {
        Attempt<T> sent = new Attempt<>();
        request.accept(sent);
        if (sent.awaitAnswer()) {
            if (sent.failure != null) {
                // As the SDK's synchronous call does: a hub's refusal, thrown on the caller's thread.
                throw new IotHubClientException(sent.failure.getStatusCode(), sent.failure.getMessage(), sent.failure);
            }
            return sent.result;
        }
        if (sent.receivedAnswer == null) {
            throw new AssertionError("the hub did not answer the " + what + " within " + ANSWER_TIMEOUT.toSeconds()
                    + " s: the device SDK never received an answer");
        }
        LOG.warn("The device SDK received the hub's answer to the {} (request id {}) but never handed it over "
                + "(docs/sdk-twin-race.md): read from the received answer; recoveries in this JVM: {}", what,
                sent.receivedAnswer.getCorrelationId(), RECOVERED.incrementAndGet());
        try {
            return fromLostAnswer.apply(sent.receivedAnswer);
        } catch (LostAnswerFailure refused) {
            throw (IotHubClientException) refused.getCause();
        }
    }

    /** One request: its answer as handed over, and whether the SDK received one at all. */
    private static final class Attempt<T> {
        final CountDownLatch answer = new CountDownLatch(1);
        volatile T result;
        volatile IotHubClientException failure;
        volatile Message receivedAnswer;
        volatile long receivedAtNanos;

        /**
         * Waits for the answer; gives up early once the SDK has acknowledged an answer and not handed it over within
         * {@link #LOST_AFTER} (it hands it over within milliseconds when it does), else at {@link #ANSWER_TIMEOUT}.
         */
        boolean awaitAnswer() throws InterruptedException {
            long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
            while (!answer.await(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                if (now > deadline || receivedAnswer != null && now - receivedAtNanos > LOST_AFTER.toNanos()) {
                    return false;
                }
            }
            return true;
        }

        void answered(T value, IotHubClientException e) {
            result = value;
            failure = e;
            answer.countDown();
        }

        void receivedBySdk(Message message) {
            receivedAtNanos = System.nanoTime();
            receivedAnswer = message;
        }
    }
}
