package io.github.iothubquickstart.localhub.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.testing.AfterWriteTwinStore;
import io.github.iothubquickstart.localhub.testing.InMemoryDeviceRegistry;
import io.github.iothubquickstart.localhub.testing.InMemoryTwinStore;
import io.github.iothubquickstart.localhub.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TwinServiceTest {
    private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");
    private static final String DEVICE = "dev-1";

    private record Notification(String deviceId, JsonObject patch, long version) {
    }

    private final TestClock clock = new TestClock(START);
    private final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry(clock);
    private final InMemoryTwinStore store = new InMemoryTwinStore(registry, clock);
    private final List<Notification> notifications = new CopyOnWriteArrayList<>();
    private final TwinService twins = new TwinService(store,
            (deviceId, patch, version) -> notifications.add(new Notification(deviceId, patch.deepCopy(), version)),
            clock);

    TwinServiceTest() {
        registry.createDevice(DEVICE);
    }

    @Test
    void aNewDevicesTwinIsEmptyAtVersionOne() {
        TwinDocument twin = twins.get(DEVICE);

        assertThat(twin.version()).isEqualTo(1);
        assertThat(twin.desiredVersion()).isEqualTo(1);
        assertThat(twin.reportedVersion()).isEqualTo(1);
        assertThat(twin.etag()).isEqualTo("AAAAAAAAAAE=");
        assertThat(twin.tags().isEmpty() && twin.desired().isEmpty() && twin.reported().isEmpty()).isTrue();
    }

    @Test
    void aDesiredPatchBumpsTheVersionsAndTellsTheListener() {
        clock.advance(Duration.ofMinutes(1));

        TwinDocument twin = twins.update(DEVICE, sections(json("{\"properties\":{\"desired\":{\"telemetryInterval\":5}}}")), null);

        assertThat(twin.version()).isEqualTo(2);
        assertThat(twin.desiredVersion()).isEqualTo(2);
        assertThat(twin.reportedVersion()).isEqualTo(1);
        assertThat(twin.desired()).isEqualTo(json("{\"telemetryInterval\":5}"));
        assertThat(twin.desiredUpdated()).isEqualTo(START.plusSeconds(60));
        assertThat(twins.get(DEVICE)).isEqualTo(twin);
        assertThat(notifications).containsExactly(new Notification(DEVICE, json("{\"telemetryInterval\":5}"), 2));
    }

    @Test
    void desiredPatchesMergeAndTheListenerHearsOnlyThePatch() {
        twins.update(DEVICE, sections(json("{\"properties\":{\"desired\":{\"a\":1,\"b\":{\"c\":2}}}}")), null);

        TwinDocument twin = twins.update(DEVICE, sections(json("{\"properties\":{\"desired\":{\"a\":null,\"b\":{\"d\":3}}}}")), null);

        assertThat(twin.desired()).isEqualTo(json("{\"b\":{\"c\":2,\"d\":3}}"));
        assertThat(twin.desiredVersion()).isEqualTo(3);
        assertThat(notifications.get(1)).isEqualTo(new Notification(DEVICE, json("{\"a\":null,\"b\":{\"d\":3}}"), 3));
    }

    @Test
    void aTagsPatchBumpsTheTwinVersionOnlyAndTellsNoOne() {
        TwinDocument twin = twins.update(DEVICE, sections(json("{\"tags\":{\"floor\":3}}")), null);

        assertThat(twin.version()).isEqualTo(2);
        assertThat(twin.desiredVersion()).isEqualTo(1);
        assertThat(twin.tags()).isEqualTo(json("{\"floor\":3}"));
        assertThat(notifications).isEmpty();
    }

    @Test
    void aReportedPatchBumpsTheReportedVersionAndTellsNoOne() {
        clock.advance(Duration.ofSeconds(7));

        TwinDocument twin = twins.updateReported(DEVICE, json("{\"telemetryInterval\":3,\"$version\":99}"));

        assertThat(twin.version()).isEqualTo(2);
        assertThat(twin.reportedVersion()).isEqualTo(2);
        assertThat(twin.desiredVersion()).isEqualTo(1);
        assertThat(twin.reported()).as("$version is read-only and dropped").isEqualTo(json("{\"telemetryInterval\":3}"));
        assertThat(twin.reportedUpdated()).isEqualTo(START.plusSeconds(7));
        assertThat(notifications).isEmpty();
    }

    @Test
    void aReportedPatchOnTheCurrentReportedVersionIsApplied() {
        TwinDocument first = twins.updateReported(DEVICE, json("{\"a\":1}"));

        TwinDocument second = twins.updateReported(DEVICE, json("{\"b\":2}"), first.reportedVersion());

        assertThat(second.reportedVersion()).isEqualTo(first.reportedVersion() + 1);
        assertThat(second.reported()).isEqualTo(json("{\"a\":1,\"b\":2}"));
    }

    @Test
    void aReportedPatchOnAStaleReportedVersionIs412AndChangesNothing() {
        long stale = twins.get(DEVICE).reportedVersion();
        TwinDocument current = twins.updateReported(DEVICE, json("{\"a\":1}"));
        int writes = store.writes();

        assertIotHubError(() -> twins.updateReported(DEVICE, json("{\"a\":2}"), stale), 412, 412001);
        assertIotHubError(() -> twins.updateReported(DEVICE, json("{\"a\":2}"), current.reportedVersion() + 1),
                412, 412001);

        assertThat(twins.get(DEVICE)).isEqualTo(current);
        assertThat(store.writes()).isEqualTo(writes);
    }

    @Test
    void eachPropertyKeepsWhenAndAtWhichVersionItWasLastWritten() {
        twins.update(DEVICE, sections(json("{\"properties\":{\"desired\":{\"a\":1,\"b\":{\"c\":2,\"d\":3}}}}")), null);
        twins.updateReported(DEVICE, json("{\"r\":1}"));
        clock.advance(Duration.ofMinutes(5));

        TwinDocument twin = twins.update(DEVICE, sections(json("{\"tags\":{\"t\":1},"
                + "\"properties\":{\"desired\":{\"b\":{\"c\":9}}}}")), null);
        twin = twins.updateReported(DEVICE, json("{\"s\":2}"));

        Instant later = START.plusSeconds(300);
        assertThat(twin.desiredMetadata().properties()).isEqualTo(Map.of(
                "a", new PropertyMetadata(START, 2, Map.of()),
                "b", new PropertyMetadata(later, 3, Map.of(
                        "c", new PropertyMetadata(later, 3, Map.of()),
                        "d", new PropertyMetadata(START, 2, Map.of())))));
        assertThat(twin.reportedMetadata().properties()).isEqualTo(Map.of(
                "r", new PropertyMetadata(START, 2, Map.of()),
                "s", new PropertyMetadata(later, 3, Map.of())));
    }

    @Test
    void replacingTheDesiredPropertiesWritesEachOfThemAnew() {
        twins.update(DEVICE, sections(json("{\"properties\":{\"desired\":{\"a\":1,\"b\":2}}}")), null);
        clock.advance(Duration.ofMinutes(1));

        TwinDocument twin = twins.replace(DEVICE, sections(json("{\"properties\":{\"desired\":{\"a\":1,\"c\":{\"d\":4}}}}")), null);

        Instant later = START.plusSeconds(60);
        assertThat(twin.desiredMetadata().properties()).isEqualTo(Map.of(
                "a", new PropertyMetadata(later, 3, Map.of()),
                "c", new PropertyMetadata(later, 3, Map.of("d", new PropertyMetadata(later, 3, Map.of())))));
    }

    @Test
    void aPatchWithNothingInItWritesNothingAndBumpsNothing() {
        TwinDocument before = twins.update(DEVICE, sections(json("{\"properties\":{\"desired\":{\"a\":1}}}")), null);
        int writes = store.writes();
        notifications.clear();

        TwinDocument after = twins.update(DEVICE, sections(json("{\"tags\":{},\"properties\":{\"desired\":{}}}")), null);

        assertThat(after).isEqualTo(before);
        assertThat(store.writes()).isEqualTo(writes);
        assertThat(notifications).isEmpty();
    }

    @Test
    void aStaleETagIs412AndChangesNothing() {
        String stale = twins.get(DEVICE).etag();
        TwinDocument current = twins.update(DEVICE, sections(json("{\"tags\":{\"a\":1}}")), null);
        int writes = store.writes();

        assertIotHubError(() -> twins.update(DEVICE, sections(json("{\"properties\":{\"desired\":{\"b\":2}}}")), stale), 412, 412001);
        assertIotHubError(() -> twins.replace(DEVICE, sections(json("{\"tags\":{}}")), "\"" + stale + "\""), 412, 412001);

        assertThat(twins.get(DEVICE)).isEqualTo(current);
        assertThat(store.writes()).isEqualTo(writes);
        assertThat(notifications).isEmpty();
    }

    @Test
    void theCurrentETagQuotedOrBareAStarOrNoneMatch() {
        TwinDocument twin = twins.get(DEVICE);
        twin = twins.update(DEVICE, sections(json("{\"tags\":{\"a\":1}}")), twin.etag());
        twin = twins.update(DEVICE, sections(json("{\"tags\":{\"a\":2}}")), "\"" + twin.etag() + "\"");
        twin = twins.update(DEVICE, sections(json("{\"tags\":{\"a\":3}}")), "*");
        twin = twins.update(DEVICE, sections(json("{\"tags\":{\"a\":4}}")), null);

        assertThat(twin.version()).isEqualTo(5);
        assertThat(twin.tags()).isEqualTo(json("{\"a\":4}"));
    }

    @Test
    void replaceTellsTheDeviceOfRemovedNamesWithNull() {
        twins.update(DEVICE, sections(json("{\"tags\":{\"t\":1},\"properties\":{\"desired\":{\"a\":1,\"b\":2}}}")), null);
        notifications.clear();

        TwinDocument twin = twins.replace(DEVICE, sections(json("{\"properties\":{\"desired\":{\"a\":1,\"c\":3}}}")), null);

        assertThat(twin.desired()).isEqualTo(json("{\"a\":1,\"c\":3}"));
        assertThat(twin.tags()).as("absent tags replace with none").isEqualTo(new JsonObject());
        assertThat(twin.desiredVersion()).isEqualTo(3);
        assertThat(notifications).containsExactly(new Notification(DEVICE, json("{\"a\":1,\"c\":3,\"b\":null}"), 3));
    }

    @Test
    void desiredNullRemovesEveryDesiredPropertyAndTellsTheDeviceEachNameWithNull() {
        twins.update(DEVICE, sections(json("{\"tags\":{\"t\":1},\"properties\":{\"desired\":{\"a\":1,\"b\":{\"c\":2}}}}")), null);
        notifications.clear();

        TwinDocument twin = twins.update(DEVICE, sections(json("{\"properties\":{\"desired\":null}}")), null);

        assertThat(twin.desired()).isEqualTo(new JsonObject());
        assertThat(twin.desiredVersion()).isEqualTo(3);
        assertThat(twin.tags()).as("tags untouched").isEqualTo(json("{\"t\":1}"));
        assertThat(twins.get(DEVICE)).isEqualTo(twin);
        assertThat(notifications).containsExactly(new Notification(DEVICE, json("{\"a\":null,\"b\":null}"), 3));
    }

    @Test
    void tagsNullRemovesEveryTagAndLeavesDesiredAlone() {
        twins.update(DEVICE, sections(json("{\"tags\":{\"t\":1,\"u\":2},\"properties\":{\"desired\":{\"a\":1}}}")), null);
        notifications.clear();

        TwinDocument twin = twins.update(DEVICE, sections(json("{\"tags\":null}")), null);

        assertThat(twin.tags()).isEqualTo(new JsonObject());
        assertThat(twin.desired()).isEqualTo(json("{\"a\":1}"));
        assertThat(twin.desiredVersion()).isEqualTo(2);
        assertThat(notifications).isEmpty();
    }

    @Test
    void desiredNullOnATwinWithNoDesiredPropertiesChangesNothing() {
        TwinDocument before = twins.get(DEVICE);

        TwinDocument after = twins.update(DEVICE, sections(json("{\"properties\":{\"desired\":null},\"tags\":null}")), null);

        assertThat(after).isEqualTo(before);
        assertThat(notifications).isEmpty();
    }

    @Test
    void replaceWithTheSameContentWritesNothingAndTellsNoOne() {
        TwinDocument before = twins.update(DEVICE, sections(json("{\"tags\":{\"t\":1},\"properties\":{\"desired\":{\"a\":1}}}")), null);
        int writes = store.writes();
        notifications.clear();

        TwinDocument after = twins.replace(DEVICE, sections(json("{\"tags\":{\"t\":1},\"properties\":{\"desired\":{\"a\":1}}}")), null);

        assertThat(after).isEqualTo(before);
        assertThat(store.writes()).isEqualTo(writes);
        assertThat(notifications).isEmpty();
    }

    @Test
    void anUnknownDeviceIs404001() {
        assertIotHubError(() -> twins.get("nobody"), 404, 404001);
        assertIotHubError(() -> twins.update("nobody", sections(json("{\"tags\":{\"a\":1}}")), null), 404, 404001);
        assertIotHubError(() -> twins.replace("nobody", sections(json("{}")), null), 404, 404001);
        assertIotHubError(() -> twins.updateReported("nobody", json("{\"a\":1}")), 404, 404001);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "slash/no", "é"})
    void anInvalidDeviceIdIs400(String deviceId) {
        assertIotHubError(() -> twins.get(deviceId), 400, 400004);
        assertIotHubError(() -> twins.update(deviceId, sections(json("{\"tags\":{\"a\":1}}")), null), 400, 400004);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"properties\":{\"desired\":{\"$x\":1}}}",
            "{\"properties\":{\"desired\":{\"a.b\":1}}}",
            "{\"tags\":{\"a b\":1}}",
            "{\"properties\":{\"desired\":{\"a\":[1,null]}}}",
            "{\"properties\":{\"desired\":5}}"})
    void aPatchBreakingTheTwinRulesIs400AndChangesNothing(String body) {
        assertIotHubError(() -> twins.update(DEVICE, sections(json(body)), null), 400, 400004);

        assertThat(store.writes()).isZero();
        assertThat(notifications).isEmpty();
    }

    @Test
    void nestingDeeperThanTenLevelsIs400() {
        assertThat(twins.update(DEVICE, sections(desiredNested(10)), null).desiredVersion()).isEqualTo(2);

        assertIotHubError(() -> twins.update(DEVICE, sections(desiredNested(11)), null), 400, 400004);
        assertIotHubError(() -> twins.updateReported(DEVICE, nested(11)), 400, 400004);
    }

    @Test
    void sectionsAboveTheirSizeLimitAre400AndChangeNothing() {
        String text = "x".repeat(TwinRules.MAX_STRING_BYTES);
        JsonObject desired = new JsonObject();
        for (int i = 0; i < 7; i++) {
            desired.addProperty("k" + i, text); // 7 x 4 KB fits in 32 KB
        }
        JsonObject body = new JsonObject();
        body.add("properties", new JsonObject());
        body.getAsJsonObject("properties").add("desired", desired);
        twins.update(DEVICE, sections(body), null);
        TwinDocument full = twins.get(DEVICE);

        // Each patch alone is small; merged into what is there, it is too much.
        assertIotHubError(() -> twins.update(DEVICE,
                sections(json("{\"properties\":{\"desired\":{\"k7\":\"" + text + "\",\"k8\":\"" + text + "\"}}}")), null),
                400, 400004);
        assertIotHubError(() -> twins.update(DEVICE, sections(json("{\"tags\":{\"a\":\"" + text + "\",\"b\":\"" + text
                + "\",\"c\":\"" + text + "\"}}")), null), 400, 400004);
        assertIotHubError(() -> twins.updateReported(DEVICE, json("{\"s\":\"" + "y".repeat(TwinRules.MAX_STRING_BYTES + 1)
                + "\"}")), 400, 400004);

        assertThat(twins.get(DEVICE)).isEqualTo(full);
        assertThat(notifications).hasSize(1);
    }

    @Test
    void concurrentDesiredPatchesReachTheListenerInVersionOrderEachOnce() throws Exception {
        // A store that is slow to return after its commit, as a real disk is: without the service's ordering,
        // a later version's notification would overtake an earlier one in that gap.
        TwinStore slowToReturn = new AfterWriteTwinStore(store, written -> pause());
        List<Long> versions = new CopyOnWriteArrayList<>();
        TwinService service = new TwinService(slowToReturn, (id, patch, version) -> versions.add(version), clock);
        int threads = 8;
        int patchesEach = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < patchesEach; i++) {
                    service.update(DEVICE, sections(json("{\"properties\":{\"desired\":{\"t" + thread + "\":" + i + "}}}")), null);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> each : done) {
            each.get(20, TimeUnit.SECONDS);
        }
        pool.shutdown();

        long last = 1L + threads * patchesEach;
        assertThat(versions).containsExactlyElementsOf(LongStream.rangeClosed(2, last).boxed().toList());
        assertThat(service.get(DEVICE).desiredVersion()).isEqualTo(last);
    }

    private static void pause() {
        try {
            Thread.sleep(0, ThreadLocalRandom.current().nextInt(1, 500_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonObject desiredNested(int levels) {
        JsonObject body = new JsonObject();
        JsonObject properties = new JsonObject();
        properties.add("desired", nested(levels));
        body.add("properties", properties);
        return body;
    }

    /** An object nested {@code levels} deep below the section: {"l1":{"l2":...{"leaf":1}}}. */
    private static JsonObject nested(int levels) {
        JsonObject inner = new JsonObject();
        inner.addProperty("leaf", 1);
        for (int level = levels - 1; level >= 1; level--) {
            JsonObject outer = new JsonObject();
            outer.add("l" + level, inner);
            inner = outer;
        }
        return inner;
    }

    /** The sections a service's twin PATCH or PUT body carries, as the REST layer takes them out. */
    private static TwinSections sections(JsonElement body) {
        JsonObject request = body.getAsJsonObject();
        JsonElement properties = request.get("properties");
        return new TwinSections(request.get("tags"),
                properties != null && properties.isJsonObject() ? properties.getAsJsonObject().get("desired") : null);
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    private static void assertIotHubError(ThrowingCallable call, int httpStatus,
                                          int errorCode) {
        AbstractThrowableAssert<?, ? extends Throwable> failure = assertThatThrownBy(call).isInstanceOf(IotHubError.class);
        failure.satisfies(e -> {
            IotHubError error = (IotHubError) e;
            assertThat(error.httpStatus()).as(error.getMessage()).isEqualTo(httpStatus);
            assertThat(error.errorCode()).as(error.getMessage()).isEqualTo(errorCode);
        });
    }
}
