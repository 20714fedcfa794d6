package io.github.iothubquickstart.localhub.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PropertyBagTest {

    @Test
    void javaSdkBagIsSplitIntoSystemAndApplicationProperties() {
        PropertyBag bag = PropertyBag.parse(
                "$.mid=msg-1&$.cid=c1&$.cdid=dev1&$.ce=utf-8&$.ct=application%2Fjson&temperatureAlert=false").orElseThrow();

        assertThat(bag.systemProperties()).isEqualTo(Map.of("$.mid", "msg-1", "$.cid", "c1", "$.cdid", "dev1",
                "$.ce", "utf-8", "$.ct", "application/json"));
        assertThat(bag.applicationProperties()).isEqualTo(Map.of("temperatureAlert", "false"));
    }

    @Test
    void percentEncodedDollarAsNodeSendsItIsTheSameSystemProperty() {
        PropertyBag bag = PropertyBag.parse("%24.mid=m2&%24.ct=application%2Fjson").orElseThrow();

        assertThat(bag.systemProperties()).containsEntry("$.mid", "m2").containsEntry("$.ct", "application/json");
        assertThat(bag.applicationProperties()).isEmpty();
    }

    @Test
    void plusIsALiteralPlusAndSpacesArriveAsPercent20() {
        PropertyBag bag = PropertyBag.parse("note=a%20b+c%26d%3De").orElseThrow();

        assertThat(bag.applicationProperties()).containsEntry("note", "a b+c&d=e");
    }

    @Test
    void emptyBagHasNoProperties() {
        PropertyBag bag = PropertyBag.parse("").orElseThrow();

        assertThat(bag.systemProperties()).isEmpty();
        assertThat(bag.applicationProperties()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=%zz", "=value", "a=1&a=2", "a=%", "&"})
    void malformedBagsAreRefused(String encoded) {
        assertThat(PropertyBag.parse(encoded)).isEmpty();
    }

    @Test
    void tooManyPropertiesAreRefused() {
        String bag = "p=1" + "&p=1".repeat(128);

        assertThat(PropertyBag.parse(bag)).isEmpty();
    }
}
