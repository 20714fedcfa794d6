package io.github.iothubquickstart.localhub.twin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SectionMetadataTest {
    private static final Instant FIRST = Instant.parse("2026-03-01T08:00:00Z");
    private static final Instant LATER = Instant.parse("2026-03-01T09:30:00.250Z");

    @Test
    void everyPropertyOfAWholeSectionIsWrittenAtItsTimeOnEveryLevel() {
        SectionMetadata metadata = SectionMetadata.allWritten(json("{\"a\":1,\"b\":{\"c\":[1,2],\"d\":{\"e\":\"x\"}}}"),
                FIRST, 2);

        assertThat(metadata.properties()).isEqualTo(Map.of(
                "a", leaf(FIRST, 2),
                "b", new PropertyMetadata(FIRST, 2, Map.of(
                        "c", leaf(FIRST, 2),
                        "d", new PropertyMetadata(FIRST, 2, Map.of("e", leaf(FIRST, 2)))))));
    }

    @Test
    void aPatchRenewsWhatItWritesAndKeepsTheRest() {
        JsonObject before = json("{\"a\":1,\"b\":{\"c\":2,\"d\":3},\"keep\":true}");
        SectionMetadata metadata = SectionMetadata.allWritten(before, FIRST, 2);
        JsonObject patch = json("{\"a\":5,\"b\":{\"c\":4}}");

        SectionMetadata after = metadata.written(patch, TwinRules.merge(before, patch), LATER, 3);

        assertThat(after.properties()).isEqualTo(Map.of(
                "a", leaf(LATER, 3),
                "b", new PropertyMetadata(LATER, 3, Map.of("c", leaf(LATER, 3), "d", leaf(FIRST, 2))),
                "keep", leaf(FIRST, 2)));
    }

    @Test
    void aDeletedPropertyLosesItsMetadataAndItsParentShowsTheChange() {
        JsonObject before = json("{\"a\":1,\"b\":{\"c\":2,\"d\":3}}");
        SectionMetadata metadata = SectionMetadata.allWritten(before, FIRST, 2);
        JsonObject patch = json("{\"a\":null,\"b\":{\"c\":null}}");

        SectionMetadata after = metadata.written(patch, TwinRules.merge(before, patch), LATER, 3);

        assertThat(after.properties()).isEqualTo(Map.of(
                "b", new PropertyMetadata(LATER, 3, Map.of("d", leaf(FIRST, 2)))));
    }

    @Test
    void anObjectReplacedByAValueAndAValueByAnObjectStartAfresh() {
        JsonObject before = json("{\"a\":{\"x\":1},\"b\":7}");
        SectionMetadata metadata = SectionMetadata.allWritten(before, FIRST, 2);
        JsonObject patch = json("{\"a\":\"flat\",\"b\":{\"y\":{\"z\":1}}}");

        SectionMetadata after = metadata.written(patch, TwinRules.merge(before, patch), LATER, 3);

        assertThat(after.properties()).isEqualTo(Map.of(
                "a", leaf(LATER, 3),
                "b", new PropertyMetadata(LATER, 3, Map.of(
                        "y", new PropertyMetadata(LATER, 3, Map.of("z", leaf(LATER, 3)))))));
    }

    private static PropertyMetadata leaf(Instant at, long version) {
        return new PropertyMetadata(at, version, Map.of());
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }
}
