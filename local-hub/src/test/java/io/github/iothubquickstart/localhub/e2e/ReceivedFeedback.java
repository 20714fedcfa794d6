package io.github.iothubquickstart.localhub.e2e;

import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackBatch;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The feedback records a back-end's {@code MessageFeedbackProcessorClient} received, taken by their message. */
final class ReceivedFeedback {
    private final LinkedBlockingQueue<FeedbackRecord> records = new LinkedBlockingQueue<>();

    /** The processor's callback: keeps the batch's records and completes the batch. */
    AcknowledgementType add(FeedbackBatch batch) {
        records.addAll(batch.getRecords());
        return AcknowledgementType.COMPLETE;
    }

    /** The record of the message, waiting for it; records of other messages are kept for their tests. */
    FeedbackRecord of(String messageId, long waitSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        while (System.nanoTime() < deadline) {
            for (FeedbackRecord record : records) {
                if (messageId.equals(record.getOriginalMessageId())) {
                    records.remove(record);
                    return record;
                }
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("no feedback for message " + messageId + " within " + waitSeconds + " s");
    }
}
