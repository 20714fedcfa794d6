package io.github.iothubquickstart.localhub.testing;

import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits, bounded, for a Vert.x future from a test thread. */
public final class VertxFutures {
    /** Far above any timeout the unit tests set: reaching it means the future was never completed. */
    private static final long WAIT_SECONDS = 5;

    private VertxFutures() {
    }

    public static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("expected success, got " + e.getCause(), e.getCause());
        }
    }

    /** The failure of {@code future}; fails the test if it succeeds or never completes. */
    public static Throwable awaitFailure(Future<?> future) throws InterruptedException {
        try {
            Object result = future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + result);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not complete within " + WAIT_SECONDS + " s", e);
        }
    }
}
