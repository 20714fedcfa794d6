package io.github.iothubquickstart.localhub.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.twin.TwinSections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TwinRequestBodyTest {

    @Test
    void takesTagsAndDesiredPropertiesAndIgnoresTheRestOfTheTwin() {
        TwinSections sections = TwinRequestBody.parse("{\"deviceId\":\"d\",\"etag\":\"AAAA\",\"status\":\"enabled\","
                + "\"tags\":{\"room\":\"42\"},\"properties\":{\"desired\":{\"telemetryInterval\":5}}}");

        assertThat(sections.tags().toString()).isEqualTo("{\"room\":\"42\"}");
        assertThat(sections.desired().toString()).isEqualTo("{\"telemetryInterval\":5}");
    }

    @Test
    void absentSectionsAreNull() {
        TwinSections sections = TwinRequestBody.parse("{\"properties\":{}}");

        assertThat(sections.tags()).isNull();
        assertThat(sections.desired()).isNull();
        assertThat(TwinRequestBody.parse("{}").desired()).isNull();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  ", "{", "[1]", "5", "\"twin\""})
    void aBodyThatIsNotAJsonObjectIs400006(String body) {
        assertThatThrownBy(() -> TwinRequestBody.parse(body)).isInstanceOfSatisfying(IotHubError.class, error -> {
            assertThat(error.httpStatus()).isEqualTo(400);
            assertThat(error.errorCode()).isEqualTo(400006);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"properties\":{\"reported\":{\"a\":1}}}", "{\"properties\":5}"})
    void reportedPropertiesAndAPropertiesThatIsNoObjectAre400004(String body) {
        assertThatThrownBy(() -> TwinRequestBody.parse(body)).isInstanceOfSatisfying(IotHubError.class, error -> {
            assertThat(error.httpStatus()).isEqualTo(400);
            assertThat(error.errorCode()).isEqualTo(400004);
        });
    }

    @Test
    void aNullReportedSectionIsAccepted() {
        assertThat(TwinRequestBody.parse("{\"properties\":{\"reported\":null,\"desired\":{\"a\":1}}}").desired())
                .isNotNull();
    }
}
