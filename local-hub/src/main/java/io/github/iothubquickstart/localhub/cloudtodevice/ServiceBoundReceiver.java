package io.github.iothubquickstart.localhub.cloudtodevice;

import java.util.List;

/**
 * A back-end's link ready to take batches from a {@link ServiceBoundQueue}. It answers each batch with
 * {@link ServiceBoundQueue#accept} (the records are gone) or {@link ServiceBoundQueue#release} (they come again).
 */
public interface ServiceBoundReceiver<R> {

    /** Sends the batch; called on the queue's thread, so an implementation hands it to its connection's thread. */
    void deliver(long batchId, List<R> records);
}
