package io.github.iothubquickstart.localhub.digitaltwins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.twin.SectionMetadata;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JSON Patch of {@code PATCH /digitaltwins/{id}} is network input: whatever the body, the parser and the patch
 * builder either produce a desired-properties patch or refuse with IoT Hub's 400 (400006 for what is not a JSON Patch
 * array, 400004 for an operation a digital twin cannot take), never another failure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JsonPatchFuzzTest {
    private static final String VALID = "[{\"op\":\"add\",\"path\":\"/thermostat1\",\"value\":{\"targetTemperature\":21,"
            + "\"$metadata\":{}}},{\"op\":\"replace\",\"path\":\"/serialNumber\",\"value\":\"SN-2\"},"
            + "{\"op\":\"remove\",\"path\":\"/thermostat2/mode\"},{\"op\":\"add\",\"path\":\"/config/level~1x\",\"value\":[1]}]";
    private static final TwinDocument TWIN = twin();
    private static final String JSON_CHARACTERS = "[]{}\",:~/$0 1a";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|400006",
            "'   '|400006",
            "'[{\"op\":\"add\"'|400006",
            "'{\"op\":\"add\",\"path\":\"/a\",\"value\":1}'|400006",
            "'[{op:\"add\",path:\"/a\",value:1}]'|400006",
            "'[] []'|400006",
            "'[]'|400004",
            "'[1]'|400004",
            "'[{\"path\":\"/a\",\"value\":1}]'|400004",
            "'[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/b\"}]'|400004",
            "'[{\"op\":\"test\",\"path\":\"/a\",\"value\":1}]'|400004",
            "'[{\"op\":\"add\",\"value\":1}]'|400004",
            "'[{\"op\":\"add\",\"path\":7,\"value\":1}]'|400004",
            "'[{\"op\":\"add\",\"path\":\"/a\"}]'|400004",
            "'[{\"op\":\"add\",\"path\":\"a\",\"value\":1}]'|400004",
            "'[{\"op\":\"add\",\"path\":\"\",\"value\":{}}]'|400004",
            "'[{\"op\":\"add\",\"path\":\"/a~2\",\"value\":1}]'|400004",
            "'[{\"op\":\"add\",\"path\":\"/a~\",\"value\":1}]'|400004",
    })
    void malformedPatchesAreRefusedWithIotHubsCodes(String body, int errorCode) {
        assertThatThrownBy(() -> JsonPatchParser.parse(body))
                .isInstanceOfSatisfying(IotHubError.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.errorCode()).isEqualTo(errorCode);
                    assertThat(e.getMessage()).isNotBlank();
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'[{\"op\":\"add\",\"path\":\"/nowhere/x\",\"value\":1}]'|no component or property",
            "'[{\"op\":\"add\",\"path\":\"/$metadata/x\",\"value\":1}]'|not a property",
            "'[{\"op\":\"add\",\"path\":\"/$dtId\",\"value\":\"other\"}]'|not a property",
            "'[{\"op\":\"add\",\"path\":\"/thermostat2/__t\",\"value\":\"x\"}]'|not a property",
            "'[{\"op\":\"add\",\"path\":\"/serialNumber/x\",\"value\":1}]'|not a property",
            "'[{\"op\":\"replace\",\"path\":\"/absent\",\"value\":1}]'|to exist",
            "'[{\"op\":\"remove\",\"path\":\"/thermostat2/absent\"}]'|to exist",
            "'[{\"op\":\"add\",\"path\":\"/config/a/b\",\"value\":1}]'|to exist",
            "'[{\"op\":\"add\",\"path\":\"/x\",\"value\":null}]'|remove it instead",
            "'[{\"op\":\"add\",\"path\":\"/a//b\",\"value\":1}]'|not a property",
    })
    void patchesThatNameNoPropertyAreRefused(String body, String reason) {
        List<PatchOperation> operations = JsonPatchParser.parse(body);

        assertThatThrownBy(() -> DesiredPatchBuilder.desiredPatch(TWIN, operations))
                .isInstanceOfSatisfying(IotHubError.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(400004);
                    assertThat(e.getMessage()).contains(reason);
                });
    }

    @Test
    void theValidPatchBecomesOneDesiredPatch() {
        JsonObject patch = DesiredPatchBuilder.desiredPatch(TWIN, JsonPatchParser.parse(VALID));

        assertThat(patch).isEqualTo(JsonParser.parseString("{\"thermostat1\":{\"targetTemperature\":21,"
                + "\"__t\":\"c\"},\"serialNumber\":\"SN-2\",\"thermostat2\":{\"mode\":null,\"__t\":\"c\"},"
                + "\"config\":{\"level/x\":[1]}}"));
    }

    @Test
    void randomMutationsOfAPatchAreParsedOrRefusedWithA400() {
        Random random = new Random(21);
        byte[] valid = VALID.getBytes(StandardCharsets.UTF_8);
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] mutated = valid.clone();
            int changes = 1 + random.nextInt(4);
            for (int c = 0; c < changes; c++) {
                mutated[random.nextInt(mutated.length)] = (byte) (random.nextInt(2) == 0
                        ? JSON_CHARACTERS.charAt(random.nextInt(JSON_CHARACTERS.length())) : random.nextInt(256));
            }
            refused += parsedOrRefused(new String(mutated, StandardCharsets.UTF_8)) ? 0 : 1;
        }
        assertThat(refused).as("most mutations break the patch").isGreaterThan(1000);
    }

    @Test
    void randomBytesAreRefusedWithA400() {
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = new byte[random.nextInt(200)];
            random.nextBytes(bytes);
            parsedOrRefused(new String(bytes, StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void deeplyNestedBodiesAreRefusedNotOverflowed() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);

        assertThatThrownBy(() -> JsonPatchParser.parse(deep)).isInstanceOf(IotHubError.class);
    }

    /** True when the body made a desired patch; false when refused with a 400; anything else fails the test. */
    private static boolean parsedOrRefused(String body) {
        try {
            DesiredPatchBuilder.desiredPatch(TWIN, JsonPatchParser.parse(body));
            return true;
        } catch (IotHubError e) {
            assertThat(e.httpStatus()).as(body).isEqualTo(400);
            assertThat(e.errorCode()).as(body).isIn(400004, 400006);
            return false;
        }
    }

    private static TwinDocument twin() {
        Instant now = Instant.parse("2026-12-06T12:00:00Z");
        JsonObject desired = JsonParser.parseString("{\"thermostat2\":{\"__t\":\"c\",\"mode\":\"eco\"},"
                + "\"config\":{\"level\":1}}").getAsJsonObject();
        JsonObject reported = JsonParser.parseString("{\"serialNumber\":\"SN-1\",\"thermostat2\":{\"__t\":\"c\","
                + "\"mode\":{\"value\":\"eco\",\"ac\":200,\"av\":2}}}").getAsJsonObject();
        return new TwinDocument("pnp", 3, new JsonObject(), desired, 2, now,
                SectionMetadata.allWritten(desired, now, 2), reported, 2, now,
                SectionMetadata.allWritten(reported, now, 2), "dtmi:com:example:TemperatureController;1");
    }
}
