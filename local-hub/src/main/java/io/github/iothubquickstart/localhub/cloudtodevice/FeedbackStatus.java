package io.github.iothubquickstart.localhub.cloudtodevice;

/** How a cloud-to-device message ended, as a feedback record's {@code statusCode} names it. */
public enum FeedbackStatus {
    SUCCESS("Success", "Success"),
    EXPIRED("Expired", "Message expired"),
    DELIVERY_COUNT_EXCEEDED("DeliveryCountExceeded", "Message delivery count exceeded"),
    REJECTED("Rejected", "Message rejected"),
    PURGED("Purged", "Message purged");

    private final String wireName;
    private final String description;

    FeedbackStatus(String wireName, String description) {
        this.wireName = wireName;
        this.description = description;
    }

    public String wireName() {
        return wireName;
    }

    /** The record's {@code description}. */
    public String description() {
        return description;
    }
}
