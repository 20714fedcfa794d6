package io.github.iothubquickstart.localhub.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** Target conditions and metric queries, as configurations use the query language. */
class TwinConditionTest {
    private static final JsonObject TEST_TWIN = JsonParser.parseString("{\"deviceId\":\"d1\","
            + "\"tags\":{\"environment\":\"test\"},\"properties\":{\"reported\":{\"model\":\"4000x\"}}}")
            .getAsJsonObject();
    private static final JsonObject OTHER_TWIN = JsonParser.parseString("{\"deviceId\":\"d2\",\"tags\":{}}")
            .getAsJsonObject();

    @Test
    void aWhereClauseSelectsTheTwinsItMatches() {
        TwinCondition condition = TwinCondition.targetCondition(
                "tags.environment='test' AND properties.reported.model = '4000x'");

        assertThat(condition.matches(TEST_TWIN)).isTrue();
        assertThat(condition.matches(OTHER_TWIN)).isFalse();
    }

    @Test
    void starSelectsEveryTwinAndNothingSelectsNone() {
        assertThat(TwinCondition.targetCondition("*").matches(OTHER_TWIN)).isTrue();
        assertThat(TwinCondition.targetCondition(" ").matches(TEST_TWIN)).isFalse();
        assertThat(TwinCondition.targetCondition(null).matches(TEST_TWIN)).isFalse();
    }

    @Test
    void whatTheLanguageRefusesIsRefusedWithItsReason() {
        assertThatThrownBy(() -> TwinCondition.targetCondition("tags.environment ="))
                .isInstanceOf(InvalidQueryException.class).hasMessageContaining("expected a value");
        assertThatThrownBy(() -> TwinCondition.targetCondition("tags.a = 1 tags.b = 2"))
                .isInstanceOf(InvalidQueryException.class).hasMessageContaining("end of the condition");
        assertThatThrownBy(() -> TwinCondition.targetCondition("STARTSWITH(deviceId, 'd')"))
                .isInstanceOf(InvalidQueryException.class).hasMessageContaining("STARTSWITH");
    }

    @Test
    void aMetricQueryCountsDeviceTwinsOnly() {
        TwinCondition metric = TwinCondition.ofDeviceQuery(
                "SELECT deviceId FROM devices WHERE properties.reported.model='4000x'");

        assertThat(metric.matches(TEST_TWIN)).isTrue();
        assertThat(metric.matches(OTHER_TWIN)).isFalse();
        assertThat(TwinCondition.ofDeviceQuery("SELECT deviceId FROM devices").matches(OTHER_TWIN)).isTrue();
        assertThatThrownBy(() -> TwinCondition.ofDeviceQuery("SELECT * FROM devices.modules"))
                .isInstanceOf(InvalidQueryException.class).hasMessageContaining("module");
        assertThatThrownBy(() -> TwinCondition.ofDeviceQuery(
                "SELECT tags.x, COUNT() AS n FROM devices GROUP BY tags.x"))
                .isInstanceOf(InvalidQueryException.class).hasMessageContaining("COUNT()");
    }
}
