package io.github.iothubquickstart.localhub.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnknownDescribedType;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.junit.jupiter.api.Test;

class EventPositionFilterTest {

    private static EventPositionFilter.Start startOf(String expression) throws Exception {
        Source source = new Source();
        source.setFilter(Map.of(EventPositionFilter.SELECTOR_FILTER,
                new UnknownDescribedType(EventPositionFilter.SELECTOR_FILTER, expression)));
        return EventPositionFilter.startOf(source);
    }

    @Test
    void theSdksPositionsBecomeWhereTheReceiverStarts() throws Exception {
        assertThat(startOf("amqp.annotation.x-opt-offset > '-1'")).isEqualTo(new EventPositionFilter.AfterSequence(-1));
        assertThat(startOf("amqp.annotation.x-opt-offset > '@latest'")).isEqualTo(new EventPositionFilter.Latest());
        assertThat(startOf("amqp.annotation.x-opt-offset > '41'")).isEqualTo(new EventPositionFilter.AfterSequence(41));
        assertThat(startOf("amqp.annotation.x-opt-offset >= '41'")).isEqualTo(new EventPositionFilter.AfterSequence(40));
        assertThat(startOf("amqp.annotation.x-opt-sequence-number >= '7'"))
                .isEqualTo(new EventPositionFilter.AfterSequence(6));
        assertThat(startOf("amqp.annotation.x-opt-enqueued-time > '1767225600000'"))
                .isEqualTo(new EventPositionFilter.EnqueuedAfter(Instant.parse("2026-01-01T00:00:00Z"), false));
    }

    @Test
    void noFilterStartsAtTheEarliest() throws Exception {
        assertThat(EventPositionFilter.startOf(new Source())).isEqualTo(new EventPositionFilter.AfterSequence(0));
        assertThat(EventPositionFilter.startOf(null)).isEqualTo(new EventPositionFilter.AfterSequence(0));
    }

    @Test
    void anythingElseIsRefused() {
        assertThatThrownBy(() -> startOf("amqp.annotation.x-opt-offset < '5'"))
                .isInstanceOf(EventPositionFilter.InvalidFilterException.class);
        assertThatThrownBy(() -> startOf("amqp.annotation.x-opt-sequence-number > '@latest'"))
                .isInstanceOf(EventPositionFilter.InvalidFilterException.class);
        assertThatThrownBy(() -> startOf("amqp.annotation.x-opt-offset > '99999999999999999999'"))
                .isInstanceOf(EventPositionFilter.InvalidFilterException.class);
        Source other = new Source();
        other.setFilter(Map.of(Symbol.valueOf("apache.org:no-local-filter:list"), "x"));
        assertThatThrownBy(() -> EventPositionFilter.startOf(other))
                .isInstanceOf(EventPositionFilter.InvalidFilterException.class);
    }
}
