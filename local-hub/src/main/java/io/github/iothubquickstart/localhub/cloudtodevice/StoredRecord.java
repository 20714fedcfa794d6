package io.github.iothubquickstart.localhub.cloudtodevice;

/** A record waiting in a {@link ServiceBoundQueue}, as its store keeps it, under its own number. */
public record StoredRecord<R>(long id, R record) {
}
