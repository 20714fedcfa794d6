package io.github.iothubquickstart.localhub.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueryParserTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM devices",
            "select * from devices",
            "SELECT TOP 3 * FROM devices",
            "SELECT * FROM devices WHERE deviceId = 'a'",
            "SELECT * FROM devices WHERE status = \"enabled\"",
            "SELECT * FROM devices WHERE tags.location.region = 'US' AND properties.reported.interval >= 60",
            "SELECT * FROM devices WHERE tags.a != 1 OR tags.b <> 2 OR tags.c < 3 OR tags.d <= 4 OR tags.e > -5.5",
            "SELECT * FROM devices WHERE properties.reported.connectivity IN ['wired', 'wifi']",
            "SELECT * FROM devices WHERE tags.floor NIN [1, 2]",
            "SELECT * FROM devices WHERE tags.floor NOT IN [1, 2, 0x10]",
            "SELECT * FROM devices WHERE tags.floor IN []",
            "SELECT * FROM devices WHERE NOT (tags.a = true OR tags.b = false) AND tags.c = null",
            "SELECT * FROM devices WHERE is_defined(properties.reported.connectivity)",
            "SELECT * FROM devices WHERE NOT IS_DEFINED(tags.room)",
            "SELECT * FROM devices WHERE tags.flag",
            "SELECT * FROM devices WHERE tags.x = undefined",
            "SELECT * FROM devices WHERE properties.reported.$version > 1",
            "SELECT * FROM devices WHERE tags.name = 'it\\'s \\u0041 \\\"quote\\\"'",
            "SELECT deviceId, tags.room, properties.reported.telemetryInterval FROM devices",
            "SELECT DeviceId, LastActivityTime FROM devices WHERE status = 'enabled'",
            "SELECT tags.room AS room, tags.building.room AS buildingRoom FROM devices",
            "SELECT COUNT() AS n FROM devices",
            "SELECT COUNT() AS n FROM devices WHERE tags.room = 'kitchen'",
            "SELECT properties.reported.status AS status, COUNT() AS n FROM devices GROUP BY properties.reported.status",
            "SELECT tags.room FROM devices GROUP BY tags.room",
            "SELECT * FROM devices.modules",
            "SELECT moduleId FROM devices.modules WHERE deviceId = 'd1' AND tags.role = 'sensor'",
    })
    void acceptsTheSupportedLanguage(String query) {
        assertThat(QueryParser.parse(query)).isNotNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                                         | The query is empty",
            "SELECT *                                                   | expected FROM, found the end of the query",
            "SELECT * FROM                                              | expected devices, found the end of the query",
            "SELECT * FROM devices.configurations                       | FROM devices.configurations",
            "SELECT * FROM c                                            | FROM c (the local hub queries FROM devices)",
            "SELECT * FROM devices WHERE                                | expected a value",
            "SELECT * FROM devices WHERE tags.a = 1 AND                 | expected a value",
            "SELECT * FROM devices WHERE (tags.a = 1                    | expected ')'",
            "SELECT * FROM devices WHERE tags.a + 1 = 2                 | arithmetic (+)",
            "SELECT * FROM devices WHERE tags.a LIKE 'x%'               | 'LIKE'",
            "SELECT * FROM devices WHERE tags.a IS NULL                 | 'IS'",
            "SELECT * FROM devices WHERE STARTSWITH(deviceId, 'a')      | the function STARTSWITH() (only IS_DEFINED() is)",
            "SELECT * FROM devices WHERE tags.a IN ('x', 'y')           | IN needs a list in square brackets",
            "SELECT * FROM devices WHERE tags.a IN [tags.b]             | expected a value",
            "SELECT * FROM devices WHERE tags['a'] = 1                  | [...] after a property name",
            "SELECT * FROM devices WHERE devices.deviceId = 'a'         | names that start with devices.",
            "SELECT * FROM devices WHERE tags.a = 'open                 | is not closed",
            "SELECT * FROM devices WHERE tags.a = 'bad \\q escape'      | unknown escape \\q",
            "SELECT * FROM devices WHERE tags.a = 1.2.3                 | is not a number",
            "SELECT * FROM devices WHERE tags.a = 0x                    | needs digits after 0x",
            "SELECT * FROM devices WHERE tags.a = #                     | unexpected character '#'",
            "SELECT * FROM devices ORDER BY deviceId                    | ORDER BY",
            "SELECT * FROM devices GROUP BY tags.room                   | SELECT * with GROUP BY",
            "SELECT COUNT() FROM devices                                | COUNT() needs a name",
            "SELECT COUNT(deviceId) AS n FROM devices                   | COUNT() takes no argument",
            "SELECT AVG(tags.size) AS a FROM devices                    | the aggregate AVG() (only COUNT() is)",
            "SELECT LOWER(deviceId) FROM devices                        | the function LOWER() in SELECT",
            "SELECT deviceId, COUNT() AS n FROM devices                 | add GROUP BY deviceId",
            "SELECT deviceId, COUNT() AS n FROM devices GROUP BY tags.x | neither the GROUP BY property",
            "SELECT tags.room, properties.reported.room FROM devices    | Two results are named room",
            "SELECT TOP x * FROM devices                                | TOP needs a whole number",
            "SELECT * FROM devices d                                    | found 'd' at character 23",
            "SELECT deviceId AS FROM devices                            | AS needs a name",
    })
    void refusesWhatItDoesNotSupportNamingIt(String query, String message) {
        assertThatThrownBy(() -> QueryParser.parse(query))
                .isInstanceOf(InvalidQueryException.class)
                .hasMessageContaining(message.strip());
    }

    @Test
    void refusesAQueryLongerThanIotHubAccepts() {
        String query = "SELECT * FROM devices WHERE deviceId = '" + "x".repeat(QueryParser.MAX_QUERY_CHARS) + "'";

        assertThatThrownBy(() -> QueryParser.parse(query)).hasMessageContaining("at most 8192");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // The Java SDK's QueryClientTests#testRawQuery names a property "KeyQuery" + a UUID
            "properties.desired.KeyQuery5b1c2d3e-0f4a-4b6c-9d8e-7f6a5b4c3d2e | properties,desired,KeyQuery5b1c2d3e-0f4a-4b6c-9d8e-7f6a5b4c3d2e",
            "tags.a-b                                                       | tags,a-b",
            "tags.2nd.3                                                     | tags,2nd,3",
            "properties.reported.$metadata.$lastUpdated                     | properties,reported,$metadata,$lastUpdated",
            "tags.x_y-1                                                     | tags,x_y-1",
    })
    void takesNamesAsIotHubDoesWithHyphensDigitsAndDollars(String path, String names) {
        DeviceQuery query = QueryParser.parse("SELECT * FROM devices WHERE " + path.strip() + " = 1");

        assertThat(((Condition.Comparison) query.where()).left())
                .isEqualTo(new PropertyPath(List.of(names.strip().split(","))));
    }

    @Test
    void aHyphenWithASpaceBeforeItIsStillSubtraction() {
        assertThatThrownBy(() -> QueryParser.parse("SELECT * FROM devices WHERE tags.a - 1 = 2"))
                .hasMessageContaining("arithmetic (-)");
        assertThat(QueryParser.parse("SELECT * FROM devices WHERE tags.a = -1.5")).isNotNull();
        assertThat(QueryParser.parse("SELECT * FROM devices WHERE tags.a=-1")).isNotNull();
    }

    @Test
    void readsOperatorPrecedenceAsIotHubDoes() {
        DeviceQuery query = QueryParser.parse("SELECT * FROM devices WHERE tags.a = 1 OR tags.b = 2 AND tags.c = 3");

        assertThat(query.where()).isInstanceOf(Condition.Or.class);
        assertThat(((Condition.Or) query.where()).right()).isInstanceOf(Condition.And.class);
    }
}
