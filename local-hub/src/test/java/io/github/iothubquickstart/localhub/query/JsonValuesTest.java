package io.github.iothubquickstart.localhub.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** Numbers a device may report in its twin, however large their exponent, as a query compares and groups them. */
class JsonValuesTest {
    @Test
    void equalNumbersGroupTogetherWhateverTheirSpelling() {
        assertThat(JsonValues.groupKey(JsonParser.parseString("1"))).isEqualTo(JsonValues.groupKey(JsonParser.parseString("1.00")));
        assertThat(JsonValues.groupKey(JsonParser.parseString("100"))).isEqualTo(JsonValues.groupKey(JsonParser.parseString("1e2")));
        assertThat(JsonValues.groupKey(JsonParser.parseString("100"))).isNotEqualTo(JsonValues.groupKey(JsonParser.parseString("10")));
    }

    /** Written out in full it would be a key of 9,001 digits for each twin the query groups. */
    @Test
    void aLargeExponentGroupsByAShortKey() {
        String key = JsonValues.groupKey(JsonParser.parseString("1e9000"));
        assertThat(key).hasSizeLessThan(32).isEqualTo(JsonValues.groupKey(JsonParser.parseString("10e8999")));
        assertThat(JsonValues.compare(JsonParser.parseString("1e9000"), JsonParser.parseString("1"))).isPositive();
    }

    /**
     * Beyond what Gson reads as a BigDecimal (an exponent over 10,000): JSON allows it and a twin may hold it; the query
     * must not fail on it (it was a NumberFormatException, a 500): it compares with nothing and groups by its text.
     */
    @Test
    void anExponentBeyondWhatGsonReadsComparesWithNothing() {
        assertThat(JsonValues.compare(JsonParser.parseString("1e100000000"), JsonParser.parseString("1"))).isNull();
        assertThat(JsonValues.compare(JsonParser.parseString("1"), JsonParser.parseString("1e100000000"))).isNull();
        assertThat(JsonValues.groupKey(JsonParser.parseString("1e100000000"))).isEqualTo("j:1e100000000");
    }
}
