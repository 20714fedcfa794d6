package io.github.iothubquickstart.localhub.cloudtodevice;

import java.time.Instant;

/** One record of IoT Hub's feedback: how the message {@code originalMessageId} to {@code deviceId} ended, and when. */
public record FeedbackRecord(String originalMessageId, String deviceId, String deviceGenerationId,
                             Instant enqueuedTime, FeedbackStatus status) {

    static FeedbackRecord of(QueuedMessage message, FeedbackStatus status, Instant now) {
        return new FeedbackRecord(message.messageId(), message.deviceId(), message.deviceGenerationId(), now, status);
    }
}
