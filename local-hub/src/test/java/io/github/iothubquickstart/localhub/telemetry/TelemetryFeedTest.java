package io.github.iothubquickstart.localhub.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.testing.InMemoryTelemetryStore;
import io.github.iothubquickstart.localhub.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class TelemetryFeedTest {
    private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");
    private static final int THREADS = 4;
    private static final int MESSAGES_EACH = 250;

    private final TestClock clock = new TestClock(START);
    private final InMemoryTelemetryStore store = new InMemoryTelemetryStore();

    private static CompletableFuture<TelemetryMessage> send(TelemetryFeed feed, String deviceId, String body) {
        return feed.accept(deviceId, Map.of("$.ct", "application/json"), Map.of("alert", "true"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends from several threads at once; returns every message's future. */
    private static List<CompletableFuture<TelemetryMessage>> sendConcurrently(TelemetryFeed feed) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<CompletableFuture<TelemetryMessage>>>> senders = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            String deviceId = "dev-" + t;
            senders.add(pool.submit(() -> {
                go.await();
                List<CompletableFuture<TelemetryMessage>> sent = new ArrayList<>();
                for (int i = 0; i < MESSAGES_EACH; i++) {
                    sent.add(send(feed, deviceId, Integer.toString(i)));
                }
                return sent;
            }));
        }
        go.countDown();
        List<CompletableFuture<TelemetryMessage>> all = new ArrayList<>();
        for (Future<List<CompletableFuture<TelemetryMessage>>> sender : senders) {
            all.addAll(sender.get(10, TimeUnit.SECONDS));
        }
        pool.shutdown();
        for (CompletableFuture<TelemetryMessage> future : all) {
            future.get(10, TimeUnit.SECONDS);
        }
        return all;
    }

    private static List<Long> oneToTotal() {
        return LongStream.rangeClosed(1, (long) THREADS * MESSAGES_EACH).boxed().toList();
    }

    @Test
    void storedMessagesAreNumberedAndKeptWithWhatTheDeviceSent() throws Exception {
        try (TelemetryFeed feed = TelemetryFeed.stored(clock, store, TelemetryRetention.DEFAULT, TelemetryDurability.FULL)) {
            TelemetryMessage message = send(feed, "dev-1", "{\"t\":21}").get(5, TimeUnit.SECONDS);

            assertThat(message.sequenceNumber()).isEqualTo(1);
            assertThat(message.deviceId()).isEqualTo("dev-1");
            assertThat(message.enqueuedTime()).isEqualTo(START);
            assertThat(message.systemProperties()).containsEntry("$.ct", "application/json");
            assertThat(message.applicationProperties()).containsEntry("alert", "true");
            assertThat(feed.storedAfter(0, 10)).extracting(m -> new String(m.body(), StandardCharsets.UTF_8))
                    .containsExactly("{\"t\":21}");
        }
    }

    @Test
    void subscribersSeeStoredMessagesInSequenceOrder() throws Exception {
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (TelemetryFeed feed = TelemetryFeed.stored(clock, store, TelemetryRetention.DEFAULT, TelemetryDurability.FULL)) {
            feed.subscribe(message -> seen.add(message.sequenceNumber()));

            sendConcurrently(feed);
        }

        // close() waited for the commit thread, so every delivery has happened.
        assertThat(seen).containsExactlyElementsOf(oneToTotal());
    }

    @Test
    void withNormalDurabilityAMessageIsStoredOnTheReceivingThreadBeforeAcceptReturns() {
        List<Thread> deliveredOn = new CopyOnWriteArrayList<>();
        try (TelemetryFeed feed = TelemetryFeed.stored(clock, store, TelemetryRetention.DEFAULT, TelemetryDurability.NORMAL)) {
            feed.subscribe(message -> deliveredOn.add(Thread.currentThread()));

            CompletableFuture<TelemetryMessage> accepted = send(feed, "dev-1", "{\"t\":21}");

            // no hand-over to another thread: the transport acknowledges within the read that brought the message
            assertThat(deliveredOn).containsExactly(Thread.currentThread());
            assertThat(accepted).isCompletedWithValueMatching(message -> message.sequenceNumber() == 1);
            assertThat(store.stored()).extracting(TelemetryMessage::deviceId).containsExactly("dev-1");
        }
    }

    @Test
    void withNormalDurabilitySubscribersSeeMessagesOfManyThreadsInSequenceOrder() throws Exception {
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (TelemetryFeed feed = TelemetryFeed.stored(clock, store, TelemetryRetention.DEFAULT, TelemetryDurability.NORMAL)) {
            feed.subscribe(message -> seen.add(message.sequenceNumber()));

            sendConcurrently(feed);
        }

        assertThat(seen).containsExactlyElementsOf(oneToTotal());
    }

    @Test
    void aThrowingSubscriberStopsNeitherTheOthersNorItsOwnNextMessages() throws Exception {
        List<Long> before = new CopyOnWriteArrayList<>();
        List<Long> thrower = new CopyOnWriteArrayList<>();
        List<Long> after = new CopyOnWriteArrayList<>();
        try (TelemetryFeed feed = TelemetryFeed.stored(clock, store, TelemetryRetention.DEFAULT, TelemetryDurability.FULL)) {
            feed.subscribe(message -> before.add(message.sequenceNumber()));
            feed.subscribe(message -> {
                thrower.add(message.sequenceNumber());
                throw new IllegalStateException("a broken monitor (expected by this test)");
            });
            feed.subscribe(message -> after.add(message.sequenceNumber()));

            for (int i = 0; i < 3; i++) {
                send(feed, "dev-1", Integer.toString(i)).get(5, TimeUnit.SECONDS);
            }
        }

        assertThat(before).containsExactly(1L, 2L, 3L);
        assertThat(thrower).containsExactly(1L, 2L, 3L);
        assertThat(after).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aClosedSubscriptionHearsNoMore() throws Exception {
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (TelemetryFeed feed = TelemetryFeed.stored(clock, store, TelemetryRetention.DEFAULT, TelemetryDurability.FULL)) {
            CountDownLatch firstDelivered = new CountDownLatch(1);
            AutoCloseable subscription = feed.subscribe(message -> {
                seen.add(message.sequenceNumber());
                firstDelivered.countDown();
            });
            send(feed, "dev-1", "1");
            assertThat(firstDelivered.await(5, TimeUnit.SECONDS)).isTrue();
            subscription.close();
            send(feed, "dev-1", "2").get(5, TimeUnit.SECONDS);
        }

        assertThat(seen).containsExactly(1L);
    }

    @Test
    void retentionDropsTheOldestMessagesAfterACommit() throws Exception {
        try (TelemetryFeed feed = TelemetryFeed.stored(clock, store, new TelemetryRetention(2, Duration.ofDays(1)), TelemetryDurability.FULL)) {
            CountDownLatch fourDelivered = new CountDownLatch(4);
            feed.subscribe(message -> fourDelivered.countDown());
            for (int i = 1; i <= 4; i++) {
                send(feed, "dev-1", Integer.toString(i));
            }
            // Subscribers hear after pruning: once they have message 4, no pruning is left to run before the clock moves.
            assertThat(fourDelivered.await(5, TimeUnit.SECONDS)).isTrue();
            clock.advance(Duration.ofSeconds(2)); // pruning runs at most once a second
            send(feed, "dev-1", "5").get(5, TimeUnit.SECONDS);
        }

        // Pruning follows the commit on the commit thread, which close() waited for.
        assertThat(store.stored()).extracting(TelemetryMessage::sequenceNumber).containsExactly(4L, 5L);
    }

    @Test
    void closeClosesTheStoreAndLaterMessagesAreRefused() throws Exception {
        TelemetryFeed feed = TelemetryFeed.stored(clock, store, TelemetryRetention.DEFAULT, TelemetryDurability.FULL);
        send(feed, "dev-1", "1").get(5, TimeUnit.SECONDS);

        feed.close();

        assertThat(store.isClosed()).isTrue();
        CompletableFuture<TelemetryMessage> refused = send(feed, "dev-1", "2");
        assertThat(refused).isCompletedExceptionally();
        try {
            refused.get();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(RejectedExecutionException.class);
        }
        assertThat(store.stored()).hasSize(1);
    }

    @Test
    void anUnstoredFeedAcknowledgesAtOnceAndStoresNothing() {
        List<TelemetryMessage> seen = new CopyOnWriteArrayList<>();
        try (TelemetryFeed feed = TelemetryFeed.unstored(clock)) {
            feed.subscribe(seen::add);

            CompletableFuture<TelemetryMessage> first = send(feed, "dev-1", "a");
            CompletableFuture<TelemetryMessage> second = send(feed, "dev-2", "b");

            assertThat(first).isCompleted();
            assertThat(second).isCompleted();
            assertThat(first.join().sequenceNumber()).isEqualTo(1);
            assertThat(second.join().sequenceNumber()).isEqualTo(2);
            assertThat(seen).extracting(TelemetryMessage::deviceId).containsExactly("dev-1", "dev-2");
            assertThat(feed.storedAfter(0, 10)).isEmpty();
        }
    }

    @Test
    void anUnstoredFeedDeliversConcurrentMessagesInSequenceOrder() throws Exception {
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (TelemetryFeed feed = TelemetryFeed.unstored(clock)) {
            feed.subscribe(message -> seen.add(message.sequenceNumber()));

            sendConcurrently(feed);
        }

        assertThat(seen).containsExactlyElementsOf(oneToTotal());
    }

    @Test
    void aModulesMessageCarriesItsModuleIdAndADeviceCannotClaimOne() throws Exception {
        TelemetryFeed feed = TelemetryFeed.unstored(clock);
        Map<String, String> forged = Map.of(TelemetryMessage.MODULE_ID_PROPERTY, "someone-else");

        TelemetryMessage fromModule = feed.accept(IdentityId.module("dev", "mod"), null, forged, Map.of(), new byte[0])
                .get(5, TimeUnit.SECONDS);
        TelemetryMessage fromDevice = feed.accept(IdentityId.device("dev"), null, forged, Map.of(), new byte[0])
                .get(5, TimeUnit.SECONDS);

        assertThat(fromModule.deviceId()).isEqualTo("dev");
        assertThat(fromModule.moduleId()).isEqualTo("mod");
        assertThat(fromDevice.moduleId()).isNull();
        assertThat(fromDevice.systemProperties()).doesNotContainKey(TelemetryMessage.MODULE_ID_PROPERTY);
    }

    @Test
    void theSendersGenerationIdIsStampedAndADeviceCannotClaimAnother() throws Exception {
        TelemetryFeed feed = TelemetryFeed.stored(clock, store, TelemetryRetention.DEFAULT, TelemetryDurability.NORMAL);
        Map<String, String> forged = Map.of(TelemetryMessage.AUTH_GENERATION_ID_PROPERTY, "forged");

        TelemetryMessage stamped = feed.accept(IdentityId.device("dev"), "638000000000000001", forged, Map.of(),
                new byte[0]).get(5, TimeUnit.SECONDS);
        TelemetryMessage unknown = feed.accept(IdentityId.device("dev"), null, forged, Map.of(), new byte[0])
                .get(5, TimeUnit.SECONDS);

        assertThat(stamped.authGenerationId()).isEqualTo("638000000000000001");
        assertThat(feed.storedAfter(0, 10).get(0).authGenerationId()).isEqualTo("638000000000000001");
        assertThat(unknown.authGenerationId()).isNull();
        feed.close();
    }
}
