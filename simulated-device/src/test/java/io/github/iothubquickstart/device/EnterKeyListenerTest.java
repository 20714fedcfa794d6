package io.github.iothubquickstart.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EnterKeyListenerTest {

    private final AtomicInteger stops = new AtomicInteger();

    @Test
    void enterStopsTheDevice() {
        EnterKeyListener listener = new EnterKeyListener(
                new ByteArrayInputStream("\n".getBytes(StandardCharsets.UTF_8)), stops::incrementAndGet);

        assertTimeoutPreemptively(Duration.ofSeconds(5), listener::listen);

        assertThat(stops).hasValue(1);
    }

    @Test
    void closedInputIsNotEnter() {
        EnterKeyListener listener = new EnterKeyListener(new ByteArrayInputStream(new byte[0]), stops::incrementAndGet);

        assertTimeoutPreemptively(Duration.ofSeconds(5), listener::listen);

        assertThat(stops).hasValue(0);
    }

    @Test
    void runsOnADaemonThread() throws InterruptedException {
        Thread thread = new EnterKeyListener(new ByteArrayInputStream(new byte[0]), stops::incrementAndGet).start();

        assertThat(thread.isDaemon()).isTrue();
        thread.join(5_000);
    }
}
