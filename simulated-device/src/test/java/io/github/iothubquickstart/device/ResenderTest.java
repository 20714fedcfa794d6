package io.github.iothubquickstart.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResenderTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Resender resender = new Resender(timer, Duration.ofMillis(100), 3);
    private final List<Consumer<String>> sent = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CountDownLatch settled = new CountDownLatch(1);

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void onlyTheFirstAnswerIsHandedOverWhenALateOneStillComes() throws Exception {
        resender.send(sent::add, outcome());
        awaitSends(2);

        sent.get(1).accept("second");
        sent.get(0).accept("first, late");

        assertThat(settled.await(5, TimeUnit.SECONDS)).isTrue();
        TimeUnit.MILLISECONDS.sleep(300); // past the last attempt's timeout: it must not count as unanswered
        assertThat(events).containsExactly("resending 2", "answered second");
        assertThat(sent).hasSize(2);
    }

    @Test
    void supersededRequestIsNotSentAgain() throws Exception {
        Resender.Request request = resender.send(sent::add, outcome());

        request.supersede();

        TimeUnit.MILLISECONDS.sleep(400);
        assertThat(sent).hasSize(1);
        assertThat(events).isEmpty();
    }

    @Test
    void aResendThatCannotBeSentGivesUpWithTheReason() throws Exception {
        resender.<String>send(answer -> {
            if (!sent.isEmpty()) {
                throw new IllegalStateException("Open the client connection before using it");
            }
            sent.add(answer);
        }, outcome());

        assertThat(settled.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(events).containsExactly("resending 2", "unanswered Open the client connection before using it");
    }

    private void awaitSends(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sent.size() < count && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertThat(sent).hasSizeGreaterThanOrEqualTo(count);
    }

    private Resender.Outcome<String> outcome() {
        return new Resender.Outcome<>() {
            @Override
            public void answered(String answer) {
                events.add("answered " + answer);
                settled.countDown();
            }

            @Override
            public void resending(int attempt) {
                events.add("resending " + attempt);
            }

            @Override
            public void unanswered(String reason) {
                events.add("unanswered " + reason);
                settled.countDown();
            }
        };
    }
}
