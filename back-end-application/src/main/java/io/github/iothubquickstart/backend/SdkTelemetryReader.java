package io.github.iothubquickstart.backend;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import reactor.core.publisher.Flux;

/**
 * Reads with the Azure Event Hubs SDK's {@link EventHubConsumerAsyncClient} from every partition, as IoT Hub's quickstart
 * reader does, in consumer group {@code $Default}.
 */
final class SdkTelemetryReader implements TelemetryReader {
    private static final String ABSOLUTE_EXPIRY_TIME = "absolute-expiry-time";
    /** Each connection attempt and operation; the SDK retries twice before it reports a failure. */
    private static final AmqpRetryOptions RETRY = new AmqpRetryOptions().setMaxRetries(2)
            .setTryTimeout(Duration.ofSeconds(20));

    @Override
    public Outcome read(TelemetrySource source, boolean fromStart, Integer count, PrintStream out) {
        // The Event Hubs SDK verifies TLS with the JVM's default SSLContext and takes no other.
        source.trust().ifPresent(SSLContext::setDefault);
        EventHubConsumerAsyncClient consumer = new EventHubClientBuilder()
                .connectionString(source.connectionString())
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME)
                .retryOptions(RETRY)
                .buildAsyncConsumerClient();
        try {
            out.println("Reading telemetry from event hub " + consumer.getEventHubName() + " ("
                    + (fromStart ? "the messages kept, then new ones" : "new messages") + "); Ctrl+C to stop.");
            Flux<PartitionEvent> events = consumer.receive(fromStart);
            if (count != null) {
                events = events.take(count);
            }
            events.doOnNext(event -> out.println(line(event))).blockLast();
            return new Outcome(ExitStatus.OK, "Read " + (count == null ? "all" : count) + " telemetry messages.");
        } catch (RuntimeException e) {
            return failure(e);
        } finally {
            consumer.close();
        }
    }

    private static String line(PartitionEvent event) {
        EventData data = event.getData();
        return TelemetryLines.format(event.getPartitionContext().getPartitionId(), data.getSequenceNumber(),
                data.getEnqueuedTime(), data.getBody(), data.getProperties(), systemProperties(data));
    }

    /**
     * The event's system properties without the SDK's false {@code absolute-expiry-time}: azure-messaging-eventhubs
     * 5.21.5 fills that key with the content encoding; only a message that has an expiry time keeps it, as its time.
     */
    static Map<String, Object> systemProperties(EventData data) {
        Map<String, Object> properties = new HashMap<>(data.getSystemProperties());
        OffsetDateTime expiry = data.getRawAmqpMessage().getProperties().getAbsoluteExpiryTime();
        if (expiry == null) {
            properties.remove(ABSOLUTE_EXPIRY_TIME);
        } else {
            properties.put(ABSOLUTE_EXPIRY_TIME, expiry);
        }
        return properties;
    }

    static Outcome failure(Throwable thrown) {
        AmqpException amqp = null;
        for (Throwable cause = thrown; cause != null && amqp == null; cause = cause.getCause()) {
            if (cause instanceof AmqpException found) {
                amqp = found;
            }
        }
        AmqpErrorCondition condition = amqp == null ? null : amqp.getErrorCondition();
        if (condition == AmqpErrorCondition.UNAUTHORIZED_ACCESS) {
            return new Outcome(ExitStatus.AUTHENTICATION_FAILED, "error: the hub rejected the credentials of the"
                    + " Event Hubs-compatible connection string (check its SharedAccessKeyName and SharedAccessKey)");
        }
        if (condition == AmqpErrorCondition.NOT_FOUND) {
            return new Outcome(ExitStatus.HUB_ERROR, "error: the hub does not know this event hub or consumer group"
                    + " (check EntityPath): " + amqp.getMessage());
        }
        if (amqp == null || condition == null || condition == AmqpErrorCondition.PROTON_IO) {
            return new Outcome(ExitStatus.HUB_UNREACHABLE, "error: cannot read from the Event Hubs-compatible endpoint: "
                    + (thrown.getMessage() == null ? thrown : thrown.getMessage()));
        }
        return new Outcome(ExitStatus.HUB_ERROR, "error: the Event Hubs-compatible endpoint refused: " + amqp.getMessage());
    }
}
