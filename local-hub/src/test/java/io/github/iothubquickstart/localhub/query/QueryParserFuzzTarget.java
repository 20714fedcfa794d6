package io.github.iothubquickstart.localhub.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of IoT Hub's query language as {@code POST /devices/query}, configurations' target
 * conditions and metric queries take it: a query is either refused with {@link InvalidQueryException} or parsed and
 * evaluated over a few twins without any other exception. Inputs under {@code QueryParserFuzzTargetInputs/} run as
 * regression tests in every build.
 */
class QueryParserFuzzTarget {
    private static final List<JsonObject> TWINS = List.of(
            twin("{\"deviceId\":\"dev1\",\"etag\":\"AAAA\",\"version\":3,\"status\":\"enabled\","
                    + "\"tags\":{\"location\":{\"region\":\"US\",\"plant\":\"Redmond43\"},\"floor\":2},"
                    + "\"properties\":{\"desired\":{\"telemetryConfig\":{\"sendFrequency\":\"5m\"},\"$version\":2},"
                    + "\"reported\":{\"connectivity\":{\"type\":\"cellular\"},\"temperature\":21.5,\"$version\":4}},"
                    + "\"capabilities\":{\"iotEdge\":false},\"connectionState\":\"Connected\"}"),
            twin("{\"deviceId\":\"dev2\",\"version\":1,\"status\":\"disabled\",\"tags\":{},"
                    + "\"properties\":{\"desired\":{},\"reported\":{\"temperature\":null,\"list\":[1,\"a\",{}]}}}"),
            twin("{\"deviceId\":\"dev2\",\"moduleId\":\"mod1\",\"version\":1,\"tags\":{\"role\":\"sensor\"},"
                    + "\"properties\":{\"desired\":{},\"reported\":{}}}"));

    @FuzzTest
    void queriesAreRefusedOrEvaluated(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);

        DeviceQuery query;
        try {
            query = QueryParser.parse(text);
        } catch (InvalidQueryException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(text.length()).isLessThanOrEqualTo(QueryParser.MAX_QUERY_CHARS);
        List<QueryEvaluator.Row> rows = QueryEvaluator.rows(query, TWINS);
        if (!query.aggregates()) {
            assertThat(rows).hasSizeLessThanOrEqualTo(TWINS.size());
        }
        if (query.top() != null) {
            assertThat(rows).hasSizeLessThanOrEqualTo(query.top());
        }
    }

    @FuzzTest
    void targetConditionsAreRefusedOrEvaluated(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);

        TwinCondition condition;
        try {
            condition = TwinCondition.targetCondition(text);
        } catch (InvalidQueryException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        for (JsonObject twin : TWINS) {
            condition.matches(twin);
        }
    }

    private static JsonObject twin(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }
}
