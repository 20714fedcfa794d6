package io.github.iothubquickstart.localhub.cloudtodevice;

import java.util.List;

/** Where a {@link ServiceBoundQueue}'s records wait, so that they survive a restart. Used from the queue's thread. */
public interface ServiceBoundStore<R> {

    /** Up to {@code limit} records, oldest first. */
    List<StoredRecord<R>> oldest(int limit);

    /** Forgets the records (taken by a back-end, or dropped). */
    void remove(List<Long> ids);

    /** Drops the records made at or before {@code madeAtOrBeforeMillis} (past their time to live); how many. */
    int expire(long madeAtOrBeforeMillis);

    /** Drops the oldest records beyond the newest {@code max}; how many were dropped. */
    int trim(int max);
}
