package io.github.iothubquickstart.device;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Sends a request again when its answer does not come in time, a bounded number of times, and hands over only the
 * first answer. For idempotent requests only. The device SDK 2.5.0 can drop the answer to a twin request that it
 * did receive (docs/sdk-twin-race.md); without a resend the device would wait for it forever.
 */
final class Resender {
    private final ScheduledExecutorService timer;
    private final Duration answerTimeout;
    private final int maxAttempts;

    Resender(ScheduledExecutorService timer, Duration answerTimeout, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        this.timer = timer;
        this.answerTimeout = answerTimeout;
        this.maxAttempts = maxAttempts;
    }

    Duration answerTimeout() {
        return answerTimeout;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Sends the request now, on this thread (an exception from this first send reaches the caller), and again on the
     * timer's thread each time no answer came within the timeout.
     *
     * @param send sends the request once; it passes the answer, when one comes, to the consumer it is given
     */
    <T> Request send(Consumer<Consumer<T>> send, Outcome<T> outcome) {
        Attempts<T> attempts = new Attempts<>(send, outcome);
        attempts.sendFirst();
        return attempts;
    }

    /** What became of a request; exactly one of {@link #answered} and {@link #unanswered} is called, once. */
    interface Outcome<T> {
        void answered(T answer);

        /** No answer came in time: attempt number {@code attempt} (2 or more) is about to be sent. */
        void resending(int attempt);

        /** The request was given up: every attempt went unanswered, or a resend could not be sent. */
        void unanswered(String reason);
    }

    /** A request in flight. */
    interface Request {
        /** A newer request replaces this one: it is not sent again (an answer that still comes is handed over). */
        void supersede();
    }

    private final class Attempts<T> implements Request {
        private final Consumer<Consumer<T>> send;
        private final Outcome<T> outcome;
        private final AtomicBoolean settled = new AtomicBoolean();
        private volatile boolean superseded;
        private volatile ScheduledFuture<?> timeout;

        Attempts(Consumer<Consumer<T>> send, Outcome<T> outcome) {
            this.send = send;
            this.outcome = outcome;
        }

        void sendFirst() {
            send.accept(this::answer);
            awaitAnswer(1);
        }

        private void awaitAnswer(int attempt) {
            timeout = timer.schedule(() -> noAnswer(attempt), answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void answer(T answer) {
            if (settled.compareAndSet(false, true)) {
                cancelTimeout();
                outcome.answered(answer);
            }
        }

        /** Synchronized with {@link #supersede()}: once that returns, no resend of this request is sent. */
        private synchronized void noAnswer(int attempt) {
            if (settled.get() || superseded) {
                return;
            }
            if (attempt >= maxAttempts) {
                giveUp("no answer from the hub to " + maxAttempts + " attempt(s) of " + answerTimeout.toMillis()
                        + " ms each");
                return;
            }
            outcome.resending(attempt + 1);
            try {
                send.accept(this::answer);
            } catch (RuntimeException e) {
                giveUp(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                return;
            }
            awaitAnswer(attempt + 1);
        }

        private void giveUp(String reason) {
            if (settled.compareAndSet(false, true)) {
                outcome.unanswered(reason);
            }
        }

        @Override
        public synchronized void supersede() {
            superseded = true;
            cancelTimeout();
        }

        private void cancelTimeout() {
            ScheduledFuture<?> pending = timeout;
            if (pending != null) {
                pending.cancel(false);
            }
        }
    }
}
