package io.github.iothubquickstart.localhub.eventloop;

import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the hub from running out of file descriptors. Every connection the listeners accept is counted here once its
 * TLS handshake is done; past the budget the transport refuses it in its own protocol (MQTT CONNACK 3, AMQP
 * {@code amqp:resource-limit-exceeded}, HTTPS 503) instead of serving it, and the first refusal logs how to raise the
 * limit, once. A reserve below the process's limit stays free: the hub accepts (one descriptor each) the connections it
 * refuses, its stores open files as they go (telemetry segments, SQLite journals), and the back-end's HTTPS requests,
 * short-lived and what an operator needs to act on a full hub, may use half of the reserve that device connections may
 * not. Without it, Netty's accept fails with EMFILE: clients wait in the listen backlog unanswered until they time
 * out, the log gets a stack trace a second, and the stores fail to open their files.
 *
 * <p>Counting {@code /proc/self/fd} costs 18 ms at 19,000 descriptors, so it is sampled at most every
 * {@value #SAMPLE_SECONDS} s (every {@value #REFUSING_SAMPLE_SECONDS} s while refusing), and the sockets opened and
 * closed since the sample are counted here. Descriptors are the process's: one budget serves every hub of a JVM
 * ({@link #ofThisProcess()}). Thread-safe.
 */
public final class DescriptorBudget {
    private static final Logger LOG = LoggerFactory.getLogger(DescriptorBudget.class);
    static final int SAMPLE_SECONDS = 10;
    static final int REFUSING_SAMPLE_SECONDS = 1;
    static final long MIN_RESERVE = 64;
    static final long MAX_RESERVE = 1024;
    private static final DescriptorBudget PROCESS = new DescriptorBudget(OpenDescriptors.ofThisProcess(), System::nanoTime);

    /** What a new connection is for: device connections stop first, HTTPS requests use half the reserve. */
    public enum Use {
        DEVICE, REQUEST
    }

    private final OpenDescriptors descriptors;
    private final LongSupplier nanoTime;
    private final long max;
    private final long reserve;
    private long sampledAtNanos;
    private long openAtSample = -1;
    private long connectionsAtSample;
    private long connections;
    private boolean warned;

    DescriptorBudget(OpenDescriptors descriptors, LongSupplier nanoTime) {
        this.descriptors = descriptors;
        this.nanoTime = nanoTime;
        this.max = descriptors.max();
        this.reserve = Math.min(MAX_RESERVE, Math.max(MIN_RESERVE, max / 32));
    }

    /** The budget of this process's descriptors, shared by every listener of every hub in it. */
    public static DescriptorBudget ofThisProcess() {
        return PROCESS;
    }

    /**
     * Counts the connection on {@code channel} until the channel closes, and says whether it may be served for
     * {@code use}; a connection that may not is still counted (it holds its descriptor until the refusal closes it).
     */
    public boolean admit(Channel channel, Use use) {
        boolean admitted = admit(use);
        channel.closeFuture().addListener(closed -> closed());
        return admitted;
    }

    /** Whether a connection already counted may now also carry a device (a WebSocket upgrade on the HTTPS port). */
    public synchronized boolean hasRoomFor(Use use) {
        return max == OpenDescriptors.UNKNOWN || decide(use);
    }

    /** The most descriptors the process may have open while a connection for {@code use} is still admitted. */
    long limit(Use use) {
        return use == Use.DEVICE ? max - reserve : max - reserve / 2;
    }

    synchronized boolean admit(Use use) {
        connections++;
        return max == OpenDescriptors.UNKNOWN || decide(use);
    }

    synchronized void closed() {
        connections--;
    }

    private boolean decide(Use use) {
        long now = nanoTime.getAsLong();
        long age = now - sampledAtNanos;
        if (openAtSample < 0 || age >= TimeUnit.SECONDS.toNanos(SAMPLE_SECONDS)
                || (estimate() > limit(use) && age >= TimeUnit.SECONDS.toNanos(REFUSING_SAMPLE_SECONDS))) {
            openAtSample = descriptors.open();
            connectionsAtSample = connections;
            sampledAtNanos = now;
        }
        if (openAtSample == OpenDescriptors.UNKNOWN || estimate() <= limit(use)) {
            return true;
        }
        if (!warned) {
            warned = true;
            LOG.warn("Out of file descriptors: {} of the {} this process may open are in use, and the hub keeps {} for "
                            + "its own files. New connections are refused (MQTT CONNACK 3, AMQP amqp:resource-limit-exceeded, "
                            + "HTTPS 503) until others close; connected devices keep working. To hold more connections, raise "
                            + "the open-files limit before starting the hub: `ulimit -n 65536` in its shell (at most "
                            + "`ulimit -Hn`), LimitNOFILE= in a systemd unit, --ulimit nofile= for docker run. "
                            + "This is logged once.", estimate(), max, reserve);
        }
        return false;
    }

    /** Open now, as far as this budget knows: the last count plus the connections opened since, less those closed. */
    private long estimate() {
        return openAtSample + connections - connectionsAtSample;
    }
}
