package io.github.iothubquickstart.localhub.junit;

import com.azure.core.credential.AzureSasCredential;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * A service SAS credential that never runs out during a long test. The service SDK takes a host with a port only
 * together with an {@link AzureSasCredential} (its connection string parser rejects {@code host:port}), and that
 * credential is a fixed token; so a fresh token replaces it at half its validity.
 */
final class RenewingSasCredential implements AutoCloseable {
    private final AzureSasCredential credential;
    private final LongFunction<String> tokenExpiringAt;
    private final Duration validity;
    private final ScheduledExecutorService renewal;

    /** @param tokenExpiringAt a SAS token valid until the given epoch second */
    RenewingSasCredential(LongFunction<String> tokenExpiringAt, Duration validity, String threadName) {
        this.tokenExpiringAt = tokenExpiringAt;
        this.validity = validity;
        this.credential = new AzureSasCredential(freshToken());
        this.renewal = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        long periodMillis = Math.max(1, validity.toMillis() / 2);
        renewal.scheduleAtFixedRate(() -> credential.update(freshToken()), periodMillis, periodMillis,
                TimeUnit.MILLISECONDS);
    }

    AzureSasCredential credential() {
        return credential;
    }

    private String freshToken() {
        return tokenExpiringAt.apply(Instant.now().plus(validity).getEpochSecond());
    }

    @Override
    public void close() {
        renewal.shutdownNow();
    }
}
