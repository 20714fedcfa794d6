package io.github.iothubquickstart.localhub.cloudtodevice;

/** A feedback record as the store keeps it, under its own number. */
public record StoredFeedback(long id, FeedbackRecord record) {
}
