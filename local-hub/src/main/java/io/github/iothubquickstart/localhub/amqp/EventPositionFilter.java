package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Source;

/**
 * Where a partition receiver starts, from the filter the Event Hubs SDKs put on the link's source:
 * {@code apache.org:selector-filter:string} with {@code amqp.annotation.x-opt-offset > '-1'} (earliest),
 * {@code > '@latest'}, {@code >= '<offset>'}, {@code x-opt-sequence-number > '<n>'} or {@code x-opt-enqueued-time >
 * '<epoch millis>'}. An offset here is the message's sequence number, so both read the same way. No filter starts
 * at the earliest message kept.
 */
final class EventPositionFilter {
    static final Symbol SELECTOR_FILTER = Symbol.valueOf("apache.org:selector-filter:string");
    static final String LATEST = "@latest";
    private static final Pattern EXPRESSION = Pattern.compile(
            "amqp\\.annotation\\.(x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time) (>=?) '(-?[0-9]{1,19}|@latest)'");
    private static final int MAX_EXPRESSION_LENGTH = 256;

    /** A filter the hub cannot read; the link is refused with this description. */
    static final class InvalidFilterException extends Exception {
        InvalidFilterException(String message) {
            super(message);
        }
    }

    /**
     * A start position: {@link #after} resolves it, off the event loop, to the sequence number after which the
     * receiver's messages begin.
     */
    sealed interface Start {
        /** Blocking (an enqueued time is looked up in the store). */
        long after(TelemetryFeed feed);
    }

    /** The messages after this sequence number (or offset). */
    record AfterSequence(long sequence) implements Start {
        @Override
        public long after(TelemetryFeed feed) {
            return Math.max(0, sequence);
        }
    }

    /** The messages accepted from the moment the receiver attached. */
    record Latest() implements Start {
        @Override
        public long after(TelemetryFeed feed) {
            return feed.lastSequence();
        }
    }

    /** The messages enqueued at {@code time} (when inclusive) or after it. */
    record EnqueuedAfter(Instant time, boolean inclusive) implements Start {
        @Override
        public long after(TelemetryFeed feed) {
            return feed.firstStoredAtOrAfter(inclusive ? time : time.plusMillis(1)) - 1;
        }
    }

    private EventPositionFilter() {
    }

    static Start startOf(org.apache.qpid.proton.amqp.transport.Source remoteSource) throws InvalidFilterException {
        if (!(remoteSource instanceof Source source) || source.getFilter() == null) {
            return new AfterSequence(0);
        }
        Map<Symbol, Object> filters = source.getFilter();
        Object filter = filters.get(SELECTOR_FILTER);
        if (filter == null) {
            if (!filters.isEmpty()) {
                throw new InvalidFilterException("Only the " + SELECTOR_FILTER + " filter is supported.");
            }
            return new AfterSequence(0);
        }
        Object expression = filter instanceof DescribedType described ? described.getDescribed() : filter;
        if (!(expression instanceof String text) || text.length() > MAX_EXPRESSION_LENGTH) {
            throw new InvalidFilterException("The " + SELECTOR_FILTER + " filter must be a string expression.");
        }
        return parse(text.trim());
    }

    static Start parse(String expression) throws InvalidFilterException {
        Matcher matcher = EXPRESSION.matcher(expression);
        if (!matcher.matches()) {
            throw new InvalidFilterException("Unsupported filter expression '" + DeviceAddresses.printable(expression)
                    + "': use amqp.annotation.x-opt-offset, x-opt-sequence-number or x-opt-enqueued-time with > or >=.");
        }
        String annotation = matcher.group(1);
        boolean inclusive = matcher.group(2).length() == 2;
        String value = matcher.group(3);
        if (LATEST.equals(value)) {
            if (!"x-opt-offset".equals(annotation)) {
                throw new InvalidFilterException("@latest is an offset: use it with amqp.annotation.x-opt-offset.");
            }
            return new Latest();
        }
        long number;
        try {
            number = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidFilterException("'" + value + "' is not a number.");
        }
        if ("x-opt-enqueued-time".equals(annotation)) {
            return new EnqueuedAfter(Instant.ofEpochMilli(number), inclusive);
        }
        return new AfterSequence(inclusive ? number - 1 : number);
    }
}
