package io.github.iothubquickstart.localhub.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.testing.InMemoryTelemetryStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitWriterTest {
    private static final long WAIT_SECONDS = 5;

    /** Holds the first append until released (and then optionally fails it), as a slow or failing disk would. */
    private static final class GatedStore implements TelemetryStore {
        final InMemoryTelemetryStore stored = new InMemoryTelemetryStore();
        final CountDownLatch firstAppendStarted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean first = new AtomicBoolean(true);
        volatile RuntimeException failFirstWith;

        @Override
        public List<TelemetryMessage> append(List<IncomingTelemetry> batch) {
            if (first.compareAndSet(true, false)) {
                firstAppendStarted.countDown();
                try {
                    if (!release.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never released the store");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                if (failFirstWith != null) {
                    throw failFirstWith;
                }
            }
            return stored.append(batch);
        }

        @Override
        public List<TelemetryMessage> readAfter(long afterSequence, int limit) {
            return stored.readAfter(afterSequence, limit);
        }

        @Override
        public long lastSequence() {
            return stored.lastSequence();
        }

        @Override
        public long firstSequenceAtOrAfter(Instant time) {
            return stored.firstSequenceAtOrAfter(time);
        }

        @Override
        public int prune(long maxMessages, Instant notBefore) {
            return stored.prune(maxMessages, notBefore);
        }

        @Override
        public String location() {
            return "gated memory";
        }

        @Override
        public void close() {
            stored.close();
        }

        void awaitFirstAppend() throws InterruptedException {
            assertThat(firstAppendStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the writer began to store").isTrue();
        }
    }

    private final GatedStore store = new GatedStore();
    private final List<TelemetryMessage> committed = new CopyOnWriteArrayList<>();
    private GroupCommitWriter writer;

    @AfterEach
    void stop() {
        store.release.countDown();
        if (writer != null) {
            writer.close();
        }
    }

    private static IncomingTelemetry message(String body) {
        return new IncomingTelemetry("dev-1", Instant.parse("2026-03-01T08:00:00Z"), Map.of(), Map.of(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static TelemetryMessage stored(CompletableFuture<TelemetryMessage> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static void assertNotDoneWhileTheStoreIsBlocked(CompletableFuture<TelemetryMessage> future) {
        assertThatThrownBy(() -> future.get(100, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
    }

    private static Throwable failure(CompletableFuture<TelemetryMessage> future) {
        assertThat(future).isCompletedExceptionally();
        try {
            future.get(WAIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aMessageIsAcknowledgedOnlyAfterTheStoreReturned() throws Exception {
        writer = new GroupCommitWriter(store, 10, Long.MAX_VALUE, committed::addAll);

        CompletableFuture<TelemetryMessage> future = writer.write(message("1"));
        store.awaitFirstAppend();

        assertNotDoneWhileTheStoreIsBlocked(future);
        assertThat(committed).isEmpty();

        store.release.countDown();
        assertThat(stored(future).sequenceNumber()).isEqualTo(1);
        assertThat(store.stored.stored()).hasSize(1);
    }

    @Test
    void messagesThatQueueDuringACommitGoInTheNextBatchTogether() throws Exception {
        writer = new GroupCommitWriter(store, 10, Long.MAX_VALUE, committed::addAll);
        CompletableFuture<TelemetryMessage> first = writer.write(message("1"));
        store.awaitFirstAppend();
        List<CompletableFuture<TelemetryMessage>> queued = List.of(writer.write(message("2")), writer.write(message("3")),
                writer.write(message("4")));

        store.release.countDown();

        assertThat(stored(first).sequenceNumber()).isEqualTo(1);
        for (int i = 0; i < queued.size(); i++) {
            assertThat(stored(queued.get(i)).sequenceNumber()).isEqualTo(i + 2);
        }
        assertThat(store.stored.batchSizes()).containsExactly(1, 3);
        writer.close(); // subscribers hear of a commit after its futures complete: let the commit thread finish
        assertThat(committed).extracting(TelemetryMessage::sequenceNumber).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aFailedAppendFailsExactlyItsBatchAndLaterBatchesAreStored() throws Exception {
        IllegalStateException diskFull = new IllegalStateException("disk full");
        store.failFirstWith = diskFull;
        writer = new GroupCommitWriter(store, 10, Long.MAX_VALUE, committed::addAll);
        CompletableFuture<TelemetryMessage> lost = writer.write(message("1"));
        store.awaitFirstAppend();
        CompletableFuture<TelemetryMessage> next = writer.write(message("2"));

        store.release.countDown();

        assertThat(stored(next).sequenceNumber()).isEqualTo(1);
        assertThat(failure(lost)).isSameAs(diskFull);
        assertThat(stored(writer.write(message("3"))).sequenceNumber()).isEqualTo(2);
        writer.close();
        assertThat(committed).extracting(m -> new String(m.body(), StandardCharsets.UTF_8)).containsExactly("2", "3");
    }

    @Test
    void aFullQueueRefusesNewMessagesAtOnce() throws Exception {
        writer = new GroupCommitWriter(store, 2, Long.MAX_VALUE, committed::addAll);
        CompletableFuture<TelemetryMessage> inCommit = writer.write(message("1"));
        store.awaitFirstAppend();
        CompletableFuture<TelemetryMessage> queued1 = writer.write(message("2"));
        CompletableFuture<TelemetryMessage> queued2 = writer.write(message("3"));

        CompletableFuture<TelemetryMessage> refused = writer.write(message("4"));

        assertThat(failure(refused)).isInstanceOf(RejectedExecutionException.class).hasMessageContaining("busy");
        store.release.countDown();
        stored(inCommit);
        stored(queued1);
        assertThat(stored(queued2).sequenceNumber()).isEqualTo(3);
        assertThat(store.stored.stored()).extracting(m -> new String(m.body(), StandardCharsets.UTF_8))
                .containsExactly("1", "2", "3");
    }

    @Test
    void aQueueHoldingTooManyBytesRefusesNewMessagesAtOnce() throws Exception {
        writer = new GroupCommitWriter(store, 10, 10, committed::addAll);
        CompletableFuture<TelemetryMessage> inCommit = writer.write(message("1"));
        store.awaitFirstAppend();
        CompletableFuture<TelemetryMessage> queued = writer.write(message("22222"));

        CompletableFuture<TelemetryMessage> refused = writer.write(message("666666"));

        assertThat(failure(refused)).isInstanceOf(RejectedExecutionException.class).hasMessageContaining("busy");
        store.release.countDown();
        stored(inCommit);
        stored(queued);
        // once stored, their bytes no longer count
        assertThat(stored(writer.write(message("666666"))).sequenceNumber()).isEqualTo(3);
    }

    @Test
    void closeStoresWhatIsQueuedFirstAndRefusesLaterWrites() throws Exception {
        writer = new GroupCommitWriter(store, 10, Long.MAX_VALUE, committed::addAll);
        List<CompletableFuture<TelemetryMessage>> written = List.of(writer.write(message("1")));
        store.awaitFirstAppend();
        written = List.of(written.get(0), writer.write(message("2")), writer.write(message("3")));
        CompletableFuture<Void> closing = CompletableFuture.runAsync(writer::close);
        assertThatThrownBy(() -> closing.get(100, TimeUnit.MILLISECONDS)).as("close waits for the queue")
                .isInstanceOf(TimeoutException.class);

        store.release.countDown();
        closing.get(WAIT_SECONDS, TimeUnit.SECONDS);

        for (CompletableFuture<TelemetryMessage> future : written) {
            assertThat(future).isCompleted();
            assertThat(future.join()).isNotNull();
        }
        assertThat(store.stored.stored()).hasSize(3);
        assertThat(failure(writer.write(message("4")))).isInstanceOf(RejectedExecutionException.class);
        assertThat(store.stored.stored()).hasSize(3);
    }
}
