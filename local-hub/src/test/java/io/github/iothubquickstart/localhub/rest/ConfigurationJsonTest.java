package io.github.iothubquickstart.localhub.rest;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigurationJsonTest {

    /** 1e100000010 was found by RestBodiesFuzzTarget: Gson's NumberFormatException reached the caller as a 500. */
    @ParameterizedTest
    @ValueSource(strings = {"1e100000010", "1.5", "99999999999"})
    void aPriorityThatIsNoIntIsRefusedWith400(String priority) {
        String body = "{\"id\":\"config1\",\"content\":{\"deviceContent\":{\"properties.desired.a\":1}},"
                + "\"targetCondition\":\"*\",\"priority\":" + priority + "}";

        assertThatThrownBy(() -> ConfigurationJson.parse(body))
                .isInstanceOfSatisfying(IotHubError.class, error -> org.assertj.core.api.Assertions
                        .assertThat(error.httpStatus()).isEqualTo(400))
                .hasMessageContaining("priority must be a whole number");
    }
}
