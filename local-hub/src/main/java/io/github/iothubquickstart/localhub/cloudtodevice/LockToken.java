package io.github.iothubquickstart.localhub.cloudtodevice;

/**
 * One delivery of a queued message: its sequence number and which delivery it is. A device settles the delivery it
 * holds; a lock that lapsed, or an earlier delivery of the same message, no longer settles anything (IoT Hub's "lock
 * lost").
 */
public record LockToken(long sequenceNumber, int deliveryCount) {
}
