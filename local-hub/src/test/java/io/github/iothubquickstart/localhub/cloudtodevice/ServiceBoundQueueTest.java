package io.github.iothubquickstart.localhub.cloudtodevice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lock of a delivered batch: a back-end that holds it past the lock duration without settling loses it. */
class ServiceBoundQueueTest {
    private static final Duration LOCK = Duration.ofMillis(200);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    private final Store store = new Store();
    private final ServiceBoundQueue<String> queue = new ServiceBoundQueue<>(store, thread, Clock.systemUTC(),
            new ServiceBoundQueue.Settings("test records", 1, 100, 3, Duration.ofHours(1), LOCK));

    @AfterEach
    void stop() {
        thread.shutdownNow();
    }

    @Test
    void aBatchHeldPastItsLockComesAgainUpToTheMaximumDeliveryCountThenIsDropped() throws Exception {
        LinkedBlockingQueue<String> delivered = new LinkedBlockingQueue<>();
        ServiceBoundReceiver<String> silent = (batchId, records) -> delivered.addAll(records);
        queue.receiverReady(silent);
        thread.execute(() -> {
            store.add("held");
            queue.added();
        });

        for (int delivery = 1; delivery <= 3; delivery++) {
            assertThat(delivered.poll(2, TimeUnit.SECONDS)).as("delivery %d", delivery).isEqualTo("held");
        }
        assertThat(delivered.poll(LOCK.toMillis() * 3, TimeUnit.MILLISECONDS)).as("past the maximum").isNull();
        assertThat(thread.submit(() -> store.oldest(10)).get()).as("dropped").isEmpty();
    }

    @Test
    void aBatchSettledWithinItsLockIsNotDeliveredAgain() throws Exception {
        LinkedBlockingQueue<String> delivered = new LinkedBlockingQueue<>();
        ServiceBoundReceiver<String> accepting = new ServiceBoundReceiver<>() {
            @Override
            public void deliver(long batchId, List<String> records) {
                delivered.addAll(records);
                queue.accept(this, batchId);
            }
        };
        queue.receiverReady(accepting);
        thread.execute(() -> {
            store.add("taken");
            queue.added();
        });

        assertThat(delivered.poll(2, TimeUnit.SECONDS)).isEqualTo("taken");
        assertThat(delivered.poll(LOCK.toMillis() * 3, TimeUnit.MILLISECONDS)).isNull();
        assertThat(thread.submit(() -> store.oldest(10)).get()).isEmpty();
    }

    /** Records in memory, used from the queue's thread only. */
    private static final class Store implements ServiceBoundStore<String> {
        private final TreeMap<Long, String> records = new TreeMap<>();
        private long nextId = 1;

        void add(String record) {
            records.put(nextId++, record);
        }

        @Override
        public List<StoredRecord<String>> oldest(int limit) {
            List<StoredRecord<String>> oldest = new ArrayList<>();
            records.entrySet().stream().limit(limit)
                    .forEach(entry -> oldest.add(new StoredRecord<>(entry.getKey(), entry.getValue())));
            return oldest;
        }

        @Override
        public void remove(List<Long> ids) {
            ids.forEach(records::remove);
        }

        @Override
        public int expire(long madeAtOrBeforeMillis) {
            return 0;
        }

        @Override
        public int trim(int max) {
            return 0;
        }
    }
}
