package io.github.iothubquickstart.localhub.digitaltwins;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.twin.SectionMetadata;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of {@code PATCH /digitaltwins/{id}}: the JSON Patch is parsed and turned into the
 * desired-properties patch against a twin with a component, or refused with a 4xx {@link IotHubError}, never another
 * exception. Inputs under {@code JsonPatchParserFuzzTargetInputs/} run as regression tests in every build.
 */
class JsonPatchParserFuzzTarget {
    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    private static final TwinDocument TWIN = new TwinDocument("dev1", 4, new JsonObject(),
            object("{\"targetTemperature\":21,\"thermostat1\":{\"__t\":\"c\",\"targetTemperature\":19},\"$version\":3}"),
            3, NOW, SectionMetadata.empty(),
            object("{\"serialNumber\":\"SN-1\",\"thermostat1\":{\"__t\":\"c\",\"maxTempSinceLastReboot\":30},"
                    + "\"nested\":{\"a\":{\"b\":1}},\"$version\":2}"),
            2, NOW, SectionMetadata.empty(), "dtmi:com:example:TemperatureController;2");

    @FuzzTest
    void patchesBecomeDesiredPatchesOrAreRefused(byte[] input) {
        String body = new String(input, StandardCharsets.UTF_8);

        List<PatchOperation> operations;
        try {
            operations = JsonPatchParser.parse(body);
        } catch (IotHubError refused) {
            assertRefusal(refused);
            return;
        }
        assertThat(operations).isNotEmpty().hasSizeLessThanOrEqualTo(JsonPatchParser.MAX_OPERATIONS);
        for (PatchOperation operation : operations) {
            assertThat(operation.path()).isNotEmpty();
            assertThat(operation.value() == null).isEqualTo(operation.op() == PatchOperation.Op.REMOVE);
        }
        try {
            JsonObject patch = DesiredPatchBuilder.desiredPatch(TWIN, operations);
            assertThat(patch.has("$version")).isFalse();
        } catch (IotHubError refused) {
            assertRefusal(refused);
        }
    }

    private static void assertRefusal(IotHubError refused) {
        assertThat(refused.httpStatus()).isBetween(400, 499);
        assertThat(refused.getMessage()).isNotBlank();
    }

    private static JsonObject object(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }
}
