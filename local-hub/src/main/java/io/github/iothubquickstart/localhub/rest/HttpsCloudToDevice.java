package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceQueues;
import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceReceiver;
import io.github.iothubquickstart.localhub.cloudtodevice.QueuedMessage;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's cloud-to-device messages over HTTPS, as IoT Hub serves them: {@code GET .../messages/deviceBound} takes
 * the device's next message and locks it (200 with the body, its properties as headers and the lock token as
 * {@code ETag}; 204 when there is none, or the device holds one already), {@code DELETE .../{lockToken}} completes
 * it, {@code DELETE .../{lockToken}?reject} rejects it, {@code POST .../{lockToken}/abandon} gives it back; each
 * answered 204. A lock token that is not the device's current one is IoT Hub's 412 DeviceMessageLockLost, whether it
 * was never issued, already settled, or its lock lapsed (the queues took the message back).
 */
final class HttpsCloudToDevice {
    private static final Logger LOG = LoggerFactory.getLogger(HttpsCloudToDevice.class);
    /** IoT Hub's lock tokens are GUIDs. */
    private static final Pattern LOCK_TOKEN = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");
    /** Header names and values as HTTP allows them; a property that is neither goes to the device without it. */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern HEADER_VALUE = Pattern.compile("[\\x20-\\x7e]*");

    private final CloudToDeviceQueues queues;
    /** The message each device holds over HTTPS, by device id: at most one, as the queues deliver one at a time. */
    private final Map<String, Lock> locks = new ConcurrentHashMap<>();

    /** A GET's hold on one message: the receiver the queues delivered it to, and the token the device answers with. */
    private record Lock(String token, long sequenceNumber, CloudToDeviceReceiver receiver) {
    }

    /** One GET's receiver: the queues tell receivers apart by identity, so each GET has its own. */
    private static final class OneMessage implements CloudToDeviceReceiver {
        private final String deviceId;

        OneMessage(String deviceId) {
            this.deviceId = deviceId;
        }

        @Override
        public String deviceId() {
            return deviceId;
        }

        @Override
        public void deliver(QueuedMessage message) {
            // Handed back through CloudToDeviceQueues.takeOne: nothing to send on a connection.
        }
    }

    HttpsCloudToDevice(CloudToDeviceQueues queues) {
        this.queues = queues;
    }

    void receive(RoutingContext context, String deviceId) {
        OneMessage receiver = new OneMessage(deviceId);
        answerOnLoop(context, queues.takeOne(receiver), taken -> {
            if (taken.isEmpty()) {
                context.response().setStatusCode(204).end();
                return;
            }
            QueuedMessage message = taken.get();
            String token = UUID.randomUUID().toString();
            locks.put(deviceId, new Lock(token, message.sequenceNumber(), receiver));
            writeMessage(context.response(), message, token);
        });
    }

    void complete(RoutingContext context, String deviceId, String lockToken) {
        settle(context, deviceId, lockToken, lock -> queues.complete(lock.receiver(), lock.sequenceNumber()));
    }

    void reject(RoutingContext context, String deviceId, String lockToken) {
        settle(context, deviceId, lockToken, lock -> queues.reject(lock.receiver(), lock.sequenceNumber()));
    }

    void abandon(RoutingContext context, String deviceId, String lockToken) {
        settle(context, deviceId, lockToken, lock -> queues.abandon(lock.receiver(), lock.sequenceNumber()));
    }

    private void settle(RoutingContext context, String deviceId, String lockToken,
                        java.util.function.Function<Lock, CompletableFuture<Boolean>> outcome) {
        String token = lockToken.startsWith("\"") && lockToken.endsWith("\"") && lockToken.length() > 1
                ? lockToken.substring(1, lockToken.length() - 1) : lockToken;
        if (!LOCK_TOKEN.matcher(token).matches()) {
            throw IotHubErrors.argumentInvalid("The lock token (ETag) is not valid: IoT Hub's lock tokens are GUIDs.");
        }
        Lock lock = locks.get(deviceId);
        if (lock == null || !lock.token().equalsIgnoreCase(token)) {
            throw lockLost(deviceId);
        }
        answerOnLoop(context, outcome.apply(lock), held -> {
            // Settled or not, this token is spent; a newer GET's lock stays.
            locks.remove(deviceId, lock);
            if (held) {
                context.response().setStatusCode(204).end();
            } else {
                context.fail(lockLost(deviceId));
            }
        });
    }

    private static RuntimeException lockLost(String deviceId) {
        return IotHubErrors.deviceMessageLockLost("Device " + deviceId + " holds no cloud-to-device message with"
                + " that lock token: it was settled already, or its lock expired and the message went back to the"
                + " queue.");
    }

    private static void writeMessage(HttpServerResponse response, QueuedMessage message, String token) {
        response.setStatusCode(200)
                .putHeader("Content-Type", "application/octet-stream")
                .putHeader("ETag", "\"" + token + "\"")
                .putHeader("iothub-sequencenumber", Long.toString(message.sequenceNumber()))
                .putHeader("iothub-enqueuedtime", Instant.ofEpochMilli(message.enqueuedMillis()).toString())
                .putHeader("iothub-deliverycount", Integer.toString(message.deliveryCount()))
                .putHeader("iothub-expiry", Instant.ofEpochMilli(message.expiryMillis()).toString())
                .putHeader("iothub-to", "/devices/" + message.deviceId() + "/messages/deviceBound")
                .putHeader("iothub-ack", message.ack().wireName());
        putIfSet(response, "iothub-messageid", message.messageId());
        putIfSet(response, "iothub-correlationid", message.correlationId());
        putIfSet(response, "iothub-userid", message.userId());
        putIfSet(response, "iothub-contenttype", message.contentType());
        putIfSet(response, "iothub-contentencoding", message.contentEncoding());
        for (Map.Entry<String, String> property : message.properties().entrySet()) {
            if (HEADER_NAME.matcher(property.getKey()).matches() && HEADER_VALUE.matcher(property.getValue()).matches()) {
                response.putHeader(HttpsTelemetry.APPLICATION_PREFIX + property.getKey(), property.getValue());
            } else {
                LOG.info("Cloud-to-device message {} to device {}: property {} cannot be an HTTP header; sent without it",
                        message.sequenceNumber(), message.deviceId(), printable(property.getKey()));
            }
        }
        response.end(Buffer.buffer(message.body()));
    }

    private static void putIfSet(HttpServerResponse response, String name, String value) {
        if (value != null && HEADER_VALUE.matcher(value).matches()) {
            response.putHeader(name, value);
        }
    }

    /** Runs {@code then} on the request's event loop once {@code future} completes; a failure is a 500. */
    private static <T> void answerOnLoop(RoutingContext context, CompletableFuture<T> future,
                                         java.util.function.Consumer<T> then) {
        Context loop = Vertx.currentContext();
        future.whenComplete((value, failure) -> loop.runOnContext(ignored -> {
            if (failure != null) {
                context.fail(IotHubErrors.serverError("The hub could not reach the device's cloud-to-device queue: "
                        + failure.getMessage()));
            } else {
                then.accept(value);
            }
        }));
    }

    private static String printable(String text) {
        String shortened = text.length() > 100 ? text.substring(0, 100) + "..." : text;
        return shortened.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
