package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.query.QueryPageOptions;
import com.microsoft.azure.sdk.iot.service.query.RawQueryResponse;
import com.microsoft.azure.sdk.iot.service.query.SqlQueryBuilder;
import com.microsoft.azure.sdk.iot.service.query.TwinQueryResponse;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IoT Hub queries through the real service SDK's QueryClient, over twins written by the real TwinClient (tags) and
 * the real device SDK (reported properties). The fleet is built once; the tests only read it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueryEndToEndTest {
    private static final int PAGED_DEVICES = 7;

    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static QueryClient queries;

    @BeforeAll
    static void buildTheFleet() throws Exception {
        queries = hub.queryClient("service");
        TwinClient twins = hub.twinClient("service");
        tag(twins, "kitchen-1", Map.of("room", "kitchen", "fleet", "demo"));
        tag(twins, "kitchen-2", Map.of("room", "kitchen", "fleet", "demo"));
        tag(twins, "hall-1", Map.of("room", "hall", "fleet", "demo"));
        report("kitchen-1", 5);
        report("kitchen-2", 30);
        for (int i = 1; i <= PAGED_DEVICES; i++) {
            tag(twins, "page-" + i, Map.of("fleet", "paging"));
        }
        hub.closeDevices();
    }

    @Test
    void aWhereOnATagAnswersTheTwinsThatHaveIt() throws Exception {
        List<Twin> kitchens = all(queries.queryTwins("SELECT * FROM devices WHERE tags.room = 'kitchen'"));

        assertThat(kitchens).extracting(Twin::getDeviceId).containsExactlyInAnyOrder("kitchen-1", "kitchen-2");
        Twin first = kitchens.stream().filter(twin -> twin.getDeviceId().equals("kitchen-1")).findFirst().orElseThrow();
        assertThat(first.getTags().get("room")).isEqualTo("kitchen");
        assertThat(first.getReportedProperties().get("telemetryInterval")).isEqualTo(5L);
        assertThat(first.getStatus().toString()).isEqualToIgnoringCase("enabled");
    }

    @Test
    void aWhereOnAReportedPropertyComparesNumbers() throws Exception {
        List<Twin> fast = all(queries.queryTwins(
                "SELECT * FROM devices WHERE properties.reported.telemetryInterval < 10 AND tags.fleet = 'demo'"));

        assertThat(fast).extracting(Twin::getDeviceId).containsExactly("kitchen-1");
    }

    @Test
    void aProjectionAnswersOnlyTheSelectedValues() throws Exception {
        List<JsonObject> rows = all(queries.queryRaw("SELECT deviceId, tags.room, properties.reported.telemetryInterval"
                + " FROM devices WHERE tags.fleet = 'demo'"));

        assertThat(rows).containsExactlyInAnyOrder(
                json("{\"deviceId\": \"hall-1\", \"room\": \"hall\"}"),
                json("{\"deviceId\": \"kitchen-1\", \"room\": \"kitchen\", \"telemetryInterval\": 5}"),
                json("{\"deviceId\": \"kitchen-2\", \"room\": \"kitchen\", \"telemetryInterval\": 30}"));
    }

    @Test
    void countWithGroupByAnswersOneRowPerValue() throws Exception {
        List<JsonObject> rows = all(queries.queryRaw("SELECT tags.room AS room, COUNT() AS devices FROM devices"
                + " WHERE tags.fleet = 'demo' GROUP BY tags.room"));

        assertThat(rows).containsExactlyInAnyOrder(
                json("{\"room\": \"kitchen\", \"devices\": 2}"),
                json("{\"room\": \"hall\", \"devices\": 1}"));
    }

    @Test
    void theSdksRawQueryGroupsByADesiredPropertyNamedAfterAUuid() throws Exception {
        // QueryClientTests#testRawQuery in the Java SDK's e2e tests, shape for shape
        String queryProperty = "KeyQuery" + UUID.randomUUID();
        String queryPropertyValue = "ValueQuery" + UUID.randomUUID();
        RegistryClient registry = hub.registryClient("registryReadWrite");
        TwinClient twinClient = hub.twinClient("service");
        for (int i = 0; i < 4; i++) {
            Device device = registry.addDevice(new Device(UUID.randomUUID().toString(), AuthenticationType.SAS));
            Twin twin = twinClient.get(device.getDeviceId());
            twin.getDesiredProperties().put(queryProperty, queryPropertyValue);
            twinClient.patch(twin);
        }
        String select = "properties.desired." + queryProperty + " AS " + queryProperty + "," + " COUNT() AS numberOfDevices";
        String groupBy = "properties.desired." + queryProperty;
        String sqlQuery = SqlQueryBuilder.createSqlQuery(select, SqlQueryBuilder.FromType.DEVICES, null, groupBy);

        List<JsonObject> rows = all(queries.queryRaw(sqlQuery));

        assertThat(rows).contains(json("{\"" + queryProperty + "\": \"" + queryPropertyValue + "\", \"numberOfDevices\": 4}"));
    }

    @Test
    void resultsComePageByPageWithTheContinuationToken() throws Exception {
        QueryPageOptions threeAtATime = QueryPageOptions.builder().pageSize(3).build();
        TwinQueryResponse response = queries.queryTwins("SELECT * FROM devices WHERE tags.fleet = 'paging'",
                threeAtATime);

        assertThat(response.getContinuationToken()).as("a first page of 3 out of %d", PAGED_DEVICES).isNotNull();
        List<String> ids = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        while (response.hasNext()) {
            ids.add(response.next(threeAtATime).getDeviceId());
            tokens.add(response.getContinuationToken());
        }
        assertThat(ids).hasSize(PAGED_DEVICES).doesNotHaveDuplicates()
                .allMatch(id -> id.startsWith("page-"));
        assertThat(tokens.stream().distinct().count()).as("tokens seen: two pages followed, then none").isEqualTo(3);
        assertThat(response.getContinuationToken()).isNull();
    }

    @Test
    void modulesQueryAnswersModuleTwinsWithTheirModuleIds() throws Exception {
        RegistryClient registry = hub.registryClient("registryReadWrite");
        registry.addModule(new Module("kitchen-1", "thermometer"));
        registry.addModule(new Module("hall-1", "thermometer"));
        registry.addModule(new Module("hall-1", "door"));
        Twin door = new Twin("hall-1", "door");
        door.getTags().put("kind", "actuator");
        hub.twinClient("service").patch(door);

        List<Twin> all = all(queries.queryTwins("SELECT * FROM devices.modules"));
        List<Twin> actuators = all(queries.queryTwins("SELECT * FROM devices.modules WHERE tags.kind = 'actuator'"));

        assertThat(all).extracting(twin -> twin.getDeviceId() + "/" + twin.getModuleId())
                .containsExactly("hall-1/door", "hall-1/thermometer", "kitchen-1/thermometer");
        assertThat(actuators).extracting(Twin::getModuleId).containsExactly("door");
    }

    @Test
    void anUnsupportedQueryIsRefusedWithTheHubsMessage() {
        assertThatThrownBy(() -> queries.queryTwins("SELECT * FROM devices.configurations"))
                .isInstanceOf(IotHubBadFormatException.class)
                .hasMessageContaining("400004")
                .hasMessageContaining("Not supported by the local hub: FROM devices.configurations");
        assertThatThrownBy(() -> queries.queryRaw("SELECT * FROM devices WHERE tags.room LIKE 'k%'"))
                .isInstanceOf(IotHubBadFormatException.class)
                .hasMessageContaining("'LIKE'");
        assertThatThrownBy(() -> queries.queryTwins("SELECT * FROM devices WHERE tags.room ="))
                .isInstanceOf(IotHubBadFormatException.class)
                .hasMessageContaining("Syntax error: expected a value");
    }

    @Test
    void queriesNeedTheRightToReadTwins() throws Exception {
        assertThat(all(hub.queryClient("registryRead").queryRaw(
                "SELECT COUNT() AS n FROM devices WHERE tags.fleet = 'paging'")))
                .containsExactly(json("{\"n\": " + PAGED_DEVICES + "}"));
        assertThatThrownBy(() -> hub.queryClient("device").queryTwins("SELECT * FROM devices"))
                .isInstanceOf(IotHubUnauthorizedException.class);
    }

    private static void tag(TwinClient twins, String deviceId, Map<String, Object> tags) throws Exception {
        hub.registerDevice(deviceId);
        Twin patch = new Twin(deviceId);
        tags.forEach(patch.getTags()::put);
        twins.patch(patch);
    }

    private static void report(String deviceId, int telemetryInterval) throws Exception {
        DeviceClient device = hub.device(deviceId);
        device.open(false);
        device.subscribeToDesiredProperties((twin, context) -> { }, null);
        var reported = new com.microsoft.azure.sdk.iot.device.twin.TwinCollection();
        reported.put("telemetryInterval", telemetryInterval);
        TwinRequests.updateReportedProperties(device, reported);
    }

    private static List<Twin> all(TwinQueryResponse response) throws Exception {
        List<Twin> twins = new ArrayList<>();
        while (response.hasNext()) {
            twins.add(response.next());
        }
        return twins;
    }

    private static List<JsonObject> all(RawQueryResponse response) throws Exception {
        List<JsonObject> rows = new ArrayList<>();
        while (response.hasNext()) {
            rows.add(json(response.next()));
        }
        return rows;
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }
}
