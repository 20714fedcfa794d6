package io.github.iothubquickstart.localhub.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.registry.DevicePresence;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleService;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.testing.InMemoryDeviceRegistry;
import io.github.iothubquickstart.localhub.testing.InMemoryTwinStore;
import io.github.iothubquickstart.localhub.testing.TestClock;
import io.github.iothubquickstart.localhub.twin.TwinSections;
import io.github.iothubquickstart.localhub.twin.TwinService;
import io.github.iothubquickstart.localhub.wire.TwinJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The query engine over in-memory twins, seen through the same twin JSON the REST API returns. */
class DeviceQueriesTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T08:00:00Z"));
    private final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry(clock);
    private final InMemoryTwinStore store = new InMemoryTwinStore(registry, clock);
    private final TwinService twins = new TwinService(store, (deviceId, patch, version) -> { }, clock);
    private final RegistryService registryService = new RegistryService(registry, DevicePresence.none());
    private final ModuleService moduleService = new ModuleService(registry, registry, DevicePresence.none());
    private final DeviceQueries queries = new DeviceQueries(registryService, moduleService, store);

    @Test
    void selectStarAnswersWholeTwinsInDeviceIdOrder() {
        device("c-dev", "{}", "{}");
        device("a-dev", "{\"room\": \"kitchen\"}", "{\"interval\": 5}");
        device("b-dev", "{}", "{}");

        QueryPage page = run("SELECT * FROM devices");

        assertThat(ids(page)).containsExactly("a-dev", "b-dev", "c-dev");
        assertThat(page.twins()).isTrue();
        assertThat(page.continuation()).isNull();
        assertThat(page.results().get(0))
                .isEqualTo(TwinJson.forService(store.load("a-dev"), registryService.get("a-dev")));
    }

    @Test
    void filtersOnTagsReportedPropertiesStatusAndDeviceId() {
        device("d1", "{\"room\": \"kitchen\", \"floor\": 1}", "{\"interval\": 5, \"firmware\": \"1.2\"}");
        device("d2", "{\"room\": \"hall\", \"floor\": 2}", "{\"interval\": 60}");
        device("d3", "{\"room\": \"kitchen\", \"floor\": 3}", "{}");
        registry.setEnabled("d3", false);

        assertThat(ids(run("SELECT * FROM devices WHERE tags.room = 'kitchen'"))).containsExactly("d1", "d3");
        assertThat(ids(run("SELECT * FROM devices WHERE properties.reported.interval >= 10"))).containsExactly("d2");
        assertThat(ids(run("SELECT * FROM devices WHERE tags.room = 'kitchen' AND status = 'enabled'")))
                .containsExactly("d1");
        assertThat(ids(run("SELECT * FROM devices WHERE deviceId = 'd2' OR tags.floor > 2")))
                .containsExactly("d2", "d3");
        assertThat(ids(run("SELECT * FROM devices WHERE NOT (tags.floor < 2 OR tags.floor >= 3)")))
                .containsExactly("d2");
        assertThat(ids(run("SELECT * FROM devices WHERE tags.floor IN [1, 3]"))).containsExactly("d1", "d3");
        assertThat(ids(run("SELECT * FROM devices WHERE tags.floor NIN [1, 3]"))).containsExactly("d2");
        assertThat(ids(run("SELECT * FROM devices WHERE tags.floor NOT IN [1, 3]"))).containsExactly("d2");
        assertThat(ids(run("SELECT * FROM devices WHERE is_defined(properties.reported.firmware)")))
                .containsExactly("d1");
        assertThat(ids(run("SELECT * FROM devices WHERE properties.reported.$version = 2")))
                .containsExactly("d1", "d2");
    }

    @Test
    void aNumberNeverEqualsAStringAndOneEqualsOnePointZero() {
        device("number", "{\"floor\": 1}", "{}");
        device("text", "{\"floor\": \"1\"}", "{}");

        assertThat(ids(run("SELECT * FROM devices WHERE tags.floor = 1.0"))).containsExactly("number");
        assertThat(ids(run("SELECT * FROM devices WHERE tags.floor = '1'"))).containsExactly("text");
        assertThat(ids(run("SELECT * FROM devices WHERE tags.floor != '1'"))).isEmpty();
        assertThat(ids(run("SELECT * FROM devices WHERE tags.floor > 0"))).containsExactly("number");
        assertThat(ids(run("SELECT * FROM devices WHERE tags.floor IN ['1']"))).containsExactly("text");
    }

    @Test
    void aMissingPropertyMatchesNoComparisonNotEvenNegated() {
        device("with-room", "{\"room\": \"kitchen\"}", "{}");
        device("no-room", "{}", "{}");

        assertThat(ids(run("SELECT * FROM devices WHERE tags.room != 'hall'"))).containsExactly("with-room");
        assertThat(ids(run("SELECT * FROM devices WHERE NOT (tags.room = 'hall')"))).containsExactly("with-room");
        assertThat(ids(run("SELECT * FROM devices WHERE tags.room NIN ['hall']"))).containsExactly("with-room");
        assertThat(ids(run("SELECT * FROM devices WHERE NOT is_defined(tags.room)"))).containsExactly("no-room");
        assertThat(ids(run("SELECT * FROM devices WHERE tags.room != 'hall' OR deviceId = 'no-room'")))
                .containsExactly("no-room", "with-room");
    }

    @Test
    void aBooleanPropertyAloneIsACondition() {
        device("on", "{\"active\": true}", "{}");
        device("off", "{\"active\": false}", "{}");
        device("text", "{\"active\": \"true\"}", "{}");

        assertThat(ids(run("SELECT * FROM devices WHERE tags.active"))).containsExactly("on");
        assertThat(ids(run("SELECT * FROM devices WHERE tags.active = true"))).containsExactly("on");
        assertThat(ids(run("SELECT * FROM devices WHERE NOT tags.active"))).containsExactly("off");
    }

    @Test
    void projectionsNameEachValueByItsLastNameAndLeaveOutMissingOnes() {
        device("d1", "{\"room\": \"kitchen\"}", "{\"telemetryInterval\": 5}");
        device("d2", "{}", "{}");

        QueryPage page = run("SELECT deviceId, tags.room, properties.reported.telemetryInterval AS interval"
                + " FROM devices");

        assertThat(page.twins()).isFalse();
        assertThat(page.results()).containsExactly(
                json("{\"deviceId\": \"d1\", \"room\": \"kitchen\", \"interval\": 5}"),
                json("{\"deviceId\": \"d2\"}"));
    }

    @Test
    void topLevelTwinFieldsMatchInAnyCaseAndKeepTheTwinsSpelling() {
        device("d1", "{}", "{}");

        QueryPage page = run("SELECT DeviceId, Status FROM devices WHERE DEVICEID = 'd1'");

        assertThat(page.results()).containsExactly(json("{\"deviceId\": \"d1\", \"status\": \"enabled\"}"));
    }

    @Test
    void countsAllOrFilteredTwinsAndZeroWhenNoneMatch() {
        device("d1", "{\"room\": \"kitchen\"}", "{}");
        device("d2", "{\"room\": \"hall\"}", "{}");
        device("d3", "{\"room\": \"kitchen\"}", "{}");

        assertThat(run("SELECT COUNT() AS n FROM devices").results()).containsExactly(json("{\"n\": 3}"));
        assertThat(run("SELECT COUNT() AS kitchens FROM devices WHERE tags.room = 'kitchen'").results())
                .containsExactly(json("{\"kitchens\": 2}"));
        assertThat(run("SELECT COUNT() AS n FROM devices WHERE tags.room = 'attic'").results())
                .containsExactly(json("{\"n\": 0}"));
    }

    @Test
    void groupByCountsEachValueAndTwinsWithoutItFormTheirOwnGroup() {
        device("d1", "{\"room\": \"kitchen\"}", "{}");
        device("d2", "{\"room\": \"hall\"}", "{}");
        device("d3", "{\"room\": \"kitchen\"}", "{}");
        device("d4", "{}", "{}");

        QueryPage page = run("SELECT tags.room AS room, COUNT() AS n FROM devices GROUP BY tags.room");

        assertThat(page.results()).containsExactly(
                json("{\"room\": \"kitchen\", \"n\": 2}"),
                json("{\"room\": \"hall\", \"n\": 1}"),
                json("{\"n\": 1}"));
    }

    @Test
    void theJavaSdksRawQueryGroupsByAPropertyNamedAfterAUuid() {
        String name = "KeyQuery5b1c2d3e-0f4a-4b6c-9d8e-7f6a5b4c3d2e";
        for (String id : List.of("d1", "d2", "d3")) {
            registry.createDevice(id);
            twins.update(id, new TwinSections(null, json("{\"" + name + "\": \"v-1\"}")), null);
        }
        registry.createDevice("d4");

        // QueryClientTests#testRawQuery: SqlQueryBuilder.createSqlQuery(select, DEVICES, null, groupBy)
        QueryPage page = run("SELECT properties.desired." + name + " AS " + name + ", COUNT() AS numberOfDevices"
                + " FROM devices GROUP BY properties.desired." + name);

        assertThat(page.results()).containsExactly(
                json("{\"" + name + "\": \"v-1\", \"numberOfDevices\": 3}"), json("{\"numberOfDevices\": 1}"));
    }

    @Test
    void groupByTreatsOneAndOnePointZeroAsOneValue() {
        device("d1", "{\"floor\": 1}", "{}");
        device("d2", "{\"floor\": 1.0}", "{}");
        device("d3", "{\"floor\": \"1\"}", "{}");

        QueryPage page = run("SELECT tags.floor, COUNT() AS n FROM devices GROUP BY tags.floor");

        assertThat(page.results()).containsExactly(json("{\"floor\": 1, \"n\": 2}"), json("{\"floor\": \"1\", \"n\": 1}"));
    }

    @Test
    void topLimitsTheWholeAnswer() {
        for (int i = 1; i <= 5; i++) {
            device("d" + i, "{}", "{}");
        }

        assertThat(ids(run("SELECT TOP 2 * FROM devices"))).containsExactly("d1", "d2");
    }

    @Test
    void pagesFollowEachOtherThroughTheContinuationToken() {
        for (int i = 1; i <= 5; i++) {
            device("d" + i, "{}", "{}");
        }
        String query = "SELECT deviceId FROM devices";

        QueryPage first = queries.run(query, 2, null, TwinJson::forService, TwinJson::forService);
        QueryPage second = queries.run(query, 2, first.continuation(), TwinJson::forService, TwinJson::forService);
        QueryPage third = queries.run(query, 2, second.continuation(), TwinJson::forService, TwinJson::forService);

        assertThat(ids(first)).containsExactly("d1", "d2");
        assertThat(ids(second)).containsExactly("d3", "d4");
        assertThat(ids(third)).containsExactly("d5");
        assertThat(first.continuation()).isNotNull();
        assertThat(third.continuation()).isNull();
    }

    @Test
    void aDeviceDeletedBetweenPagesNeitherRepeatsNorSkipsAnother() {
        for (int i = 1; i <= 4; i++) {
            device("d" + i, "{}", "{}");
        }
        QueryPage first = queries.run("SELECT * FROM devices", 2, null, TwinJson::forService, TwinJson::forService);

        registry.deleteDevice("d1");
        QueryPage second = queries.run("SELECT * FROM devices", 2, first.continuation(), TwinJson::forService, TwinJson::forService);

        assertThat(ids(second)).containsExactly("d3", "d4");
    }

    @Test
    void groupedResultsPageToo() {
        for (int i = 1; i <= 5; i++) {
            device("d" + i, "{\"floor\": " + i + "}", "{}");
        }
        String query = "SELECT tags.floor, COUNT() AS n FROM devices GROUP BY tags.floor";

        QueryPage first = queries.run(query, 3, null, TwinJson::forService, TwinJson::forService);
        QueryPage second = queries.run(query, 3, first.continuation(), TwinJson::forService, TwinJson::forService);

        assertThat(first.results()).hasSize(3);
        assertThat(second.results()).containsExactly(json("{\"floor\": 4, \"n\": 1}"), json("{\"floor\": 5, \"n\": 1}"));
        assertThat(second.continuation()).isNull();
    }

    @Test
    void aPageHoldsAtMostOneHundredResults() {
        for (int i = 0; i < 101; i++) {
            device(String.format("d%03d", i), "{}", "{}");
        }

        QueryPage page = queries.run("SELECT deviceId FROM devices", 1000, null, TwinJson::forService, TwinJson::forService);

        assertThat(page.results()).hasSize(DeviceQueries.MAX_PAGE_SIZE);
        assertThat(page.continuation()).isNotNull();
    }

    @Test
    void refusesATokenOfAnotherQueryOrAMadeUpOne() {
        device("d1", "{}", "{}");
        device("d2", "{}", "{}");
        String token = queries.run("SELECT * FROM devices", 1, null, TwinJson::forService, TwinJson::forService).continuation();

        assertRefused(() -> queries.run("SELECT deviceId FROM devices", 1, token, TwinJson::forService, TwinJson::forService),
                "does not belong to this query");
        assertRefused(() -> queries.run("SELECT * FROM devices", 1, "not a token!", TwinJson::forService, TwinJson::forService),
                "does not belong to this query");
    }

    @Test
    void refusesAPageSizeBelowOne() {
        assertRefused(() -> queries.run("SELECT * FROM devices", 0, null, TwinJson::forService, TwinJson::forService),
                "x-ms-max-item-count must be 1 or more");
    }

    @Test
    void anUnsupportedQueryIsIotHubsArgumentInvalid() {
        assertRefused(() -> run("SELECT * FROM devices.configurations"),
                "Not supported by the local hub: FROM devices.configurations");
    }

    @Test
    void jobsQueryAnswersTheDevicesJobRecordsFilteredByFullOrShortNamesAndPaged() {
        DeviceQueries withJobs = queries.withDeviceJobs(() -> List.of(
                json("{\"deviceId\": \"b\", \"jobId\": \"j1\", \"jobType\": \"scheduleUpdateTwin\", \"status\": \"completed\"}"),
                json("{\"deviceId\": \"a\", \"jobId\": \"j2\", \"jobType\": \"scheduleDeviceMethod\", \"status\": \"failed\"}"),
                json("{\"deviceId\": \"a\", \"jobId\": \"j1\", \"jobType\": \"scheduleUpdateTwin\", \"status\": \"completed\"}")));

        QueryPage byFullName = withJobs.run("SELECT * FROM devices.jobs WHERE devices.jobs.jobId = 'j1'"
                + " AND devices.jobs.jobType = 'scheduleUpdateTwin'", 10, null, TwinJson::forService, TwinJson::forService);
        QueryPage byShortName = withJobs.run("SELECT * FROM devices.jobs WHERE status = 'failed'", 10, null,
                TwinJson::forService, TwinJson::forService);
        QueryPage first = withJobs.run("SELECT * FROM devices.jobs", 2, null, TwinJson::forService, TwinJson::forService);
        QueryPage second = withJobs.run("SELECT * FROM devices.jobs", 2, first.continuation(), TwinJson::forService,
                TwinJson::forService);

        assertThat(ids(byFullName)).containsExactly("a", "b");
        assertThat(byShortName.results()).singleElement()
                .satisfies(record -> assertThat(record.get("jobId").getAsString()).isEqualTo("j2"));
        assertThat(first.results()).extracting(record -> record.get("deviceId").getAsString() + "/"
                + record.get("jobId").getAsString()).containsExactly("a/j1", "a/j2");
        assertThat(first.twins()).isFalse();
        assertThat(second.results()).extracting(record -> record.get("jobId").getAsString()).containsExactly("j1");
        assertThat(second.continuation()).isNull();
    }

    @Test
    void aJobsConditionSelectsTheDevicesItNamesAndABadOneIsArgumentInvalid() {
        device("cond-a", "{\"building\": \"43\"}", "{}");
        device("cond-b", "{\"building\": \"7\"}", "{}");
        device("cond-c", "{\"building\": \"43\"}", "{}");

        assertThat(queries.deviceIdsWhere("tags.building = '43'", TwinJson::forService)).containsExactly("cond-a", "cond-c");
        assertThat(queries.deviceIdsWhere("DeviceId IN ['cond-b']", TwinJson::forService)).containsExactly("cond-b");
        assertRefused(() -> DeviceQueries.requireValidCondition("deviceId = "), "queryCondition is not valid");
        assertRefused(() -> DeviceQueries.requireValidCondition(""), "queryCondition is not valid");
        assertRefused(() -> DeviceQueries.requireValidCondition("deviceId = 'a' GROUP BY tags.x"), "GROUP BY");
    }

    @Test
    void modulesQueryAnswersModuleTwinsInDeviceThenModuleOrderAndFilters() {
        device("b-dev", "{}", "{}");
        device("a-dev", "{}", "{}");
        registry.createModule("b-dev", "m1", null, null, null);
        registry.createModule("a-dev", "m2", null, null, null);
        registry.createModule("a-dev", "m1", null, null, null);
        twins.update(IdentityId.module("a-dev", "m2"), new TwinSections(json("{\"role\": \"sensor\"}"), null), null);
        twins.update(IdentityId.module("b-dev", "m1"), new TwinSections(json("{\"role\": \"sensor\"}"), null), null);

        QueryPage all = run("SELECT * FROM devices.modules");
        QueryPage sensors = run("SELECT * FROM devices.modules WHERE tags.role = 'sensor'");
        QueryPage ofOneDevice = run("SELECT deviceId, moduleId FROM devices.modules WHERE deviceId = 'a-dev'");

        assertThat(moduleIds(all)).containsExactly("a-dev/m1", "a-dev/m2", "b-dev/m1");
        assertThat(moduleIds(sensors)).containsExactly("a-dev/m2", "b-dev/m1");
        assertThat(moduleIds(ofOneDevice)).containsExactly("a-dev/m1", "a-dev/m2");
        assertThat(ids(run("SELECT * FROM devices"))).containsExactly("a-dev", "b-dev");
    }

    @Test
    void modulesQueryPagesWithContinuationTokens() {
        device("dev", "{}", "{}");
        for (int i = 1; i <= 3; i++) {
            registry.createModule("dev", "m" + i, null, null, null);
        }
        String query = "SELECT * FROM devices.modules";

        QueryPage first = queries.run(query, 2, null, TwinJson::forService, TwinJson::forService);
        QueryPage second = queries.run(query, 2, first.continuation(), TwinJson::forService, TwinJson::forService);

        assertThat(moduleIds(first)).containsExactly("dev/m1", "dev/m2");
        assertThat(moduleIds(second)).containsExactly("dev/m3");
        assertThat(second.continuation()).isNull();
    }

    private static List<String> moduleIds(QueryPage page) {
        List<String> ids = new ArrayList<>();
        page.results().forEach(result -> ids.add(result.get("deviceId").getAsString() + "/"
                + result.get("moduleId").getAsString()));
        return ids;
    }

    private void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IotHubError.class, error -> {
            assertThat(error.httpStatus()).isEqualTo(400);
            assertThat(error.errorCode()).isEqualTo(400004);
            assertThat(error.getMessage()).contains(message);
        });
    }

    private void device(String deviceId, String tags, String reported) {
        registry.createDevice(deviceId);
        twins.update(deviceId, new TwinSections(JsonParser.parseString(tags), null), null);
        JsonObject reportedPatch = json(reported);
        if (!reportedPatch.isEmpty()) {
            twins.updateReported(deviceId, reportedPatch);
        }
    }

    private QueryPage run(String query) {
        return queries.run(query, DeviceQueries.MAX_PAGE_SIZE, null, TwinJson::forService, TwinJson::forService);
    }

    private static List<String> ids(QueryPage page) {
        List<String> ids = new ArrayList<>();
        page.results().forEach(result -> ids.add(result.get("deviceId").getAsString()));
        return ids;
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }
}
