package io.github.iothubquickstart.localhub.cloudtodevice;

import java.util.List;

/**
 * A back-end's link ready to take feedback batches. It answers each batch with {@link FeedbackQueue#accept} (the
 * records are gone) or {@link FeedbackQueue#release} (they come again).
 */
public interface FeedbackReceiver {

    /** Sends the batch; called on the queues' thread, so an implementation hands it to its connection's thread. */
    void deliver(long batchId, List<FeedbackRecord> records);
}
