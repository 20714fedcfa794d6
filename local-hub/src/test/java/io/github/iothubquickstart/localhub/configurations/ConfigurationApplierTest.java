package io.github.iothubquickstart.localhub.configurations;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.iothubquickstart.localhub.query.TwinView;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.testing.AfterWriteTwinStore;
import io.github.iothubquickstart.localhub.testing.InMemoryDeviceRegistry;
import io.github.iothubquickstart.localhub.testing.InMemoryTwinStore;
import io.github.iothubquickstart.localhub.testing.RecordingPresence;
import io.github.iothubquickstart.localhub.testing.TestClock;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import io.github.iothubquickstart.localhub.twin.TwinSections;
import io.github.iothubquickstart.localhub.twin.TwinService;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The applier over in-memory stores: the winner's content written once per device, a fleet of 10,000 twins
 * evaluated on the configurations thread, and a burst of changes to one device merged into one evaluation.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfigurationApplierTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-12-06T12:00:00Z"));
    private final InMemoryDeviceRegistry devices = new InMemoryDeviceRegistry(clock);
    private final ConfigurationTriggers triggers = new ConfigurationTriggers();
    private final InMemoryTwinStore twinStore = new InMemoryTwinStore(devices, clock);
    /** Runs after each twin write made through {@link #twins}, on the writing thread. */
    private volatile Consumer<TwinDocument> afterTwinWrite = twin -> { };
    private final TwinService twins = new TwinService(new TwinChangeWatch(
            new AfterWriteTwinStore(twinStore, written -> afterTwinWrite.accept(written)), triggers),
            (owner, patch, version) -> { }, clock);
    private final RegistryService registry = new RegistryService(new RegistryChangeWatch(devices, triggers),
            new RecordingPresence(clock.instant()));
    private final InMemoryConfigurations store = new InMemoryConfigurations();
    private final Map<String, AtomicInteger> evaluations = new ConcurrentHashMap<>();
    private volatile CountDownLatch blockFirstEvaluation;
    private final TwinView view = (twin, device) -> {
        evaluations.computeIfAbsent(twin.deviceId(), id -> new AtomicInteger()).incrementAndGet();
        CountDownLatch block = blockFirstEvaluation;
        if (block != null && "blocker".equals(twin.deviceId())) {
            try {
                block.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        JsonObject json = new JsonObject();
        json.addProperty("deviceId", twin.deviceId());
        json.add("tags", twin.tags().deepCopy());
        return json;
    };
    private final ConfigurationApplier applier = new ConfigurationApplier(store,
            new FleetTwins(registry, twinStore, view), twins, triggers);

    @AfterEach
    void stop() {
        triggers.close();
    }

    @Test
    void aFleetOfTenThousandTwinsGetsTheContentOnceEach() throws Exception {
        for (int i = 0; i < 10_000; i++) {
            String id = "device-" + i;
            devices.createDevice(id);
            if (i % 2 == 0) {
                twinStore.update(IdentityId.device(id), twin -> withTag(twin, "ring", "canary"));
            }
        }
        int writesBefore = twinStore.writes();
        applier.start();
        store.put(configuration("canary", "tags.ring='canary'", 1));
        triggers.configurationsChanged();

        triggers.awaitIdle(90, TimeUnit.SECONDS);

        assertThat(twinStore.writes() - writesBefore).as("one desired-properties write per targeted twin")
                .isEqualTo(5_000);
        assertThat(twinStore.load("device-0").desired().get("setting")).isEqualTo(new JsonPrimitive("canary"));
        assertThat(twinStore.load("device-1").desired().has("setting")).isFalse();
        assertThat(applier.counts("canary")).isEqualTo(new ConfigurationApplier.SystemCounts(5_000, 5_000));
        assertThat(store.applied()).hasSize(5_000);

        // Evaluating everything again writes nothing more: each twin has its winner already.
        triggers.configurationsChanged();
        triggers.awaitIdle(90, TimeUnit.SECONDS);
        assertThat(twinStore.writes() - writesBefore).isEqualTo(5_000);
    }

    @Test
    void aBurstOfChangesToOneDeviceIsOneEvaluation() throws Exception {
        devices.createDevice("blocker");
        devices.createDevice("busy");
        store.put(configuration("elsewhere", "tags.ring='none'", 1));
        applier.start();
        triggers.awaitIdle(10, TimeUnit.SECONDS);
        evaluations.clear();
        blockFirstEvaluation = new CountDownLatch(1);
        triggers.deviceChanged("blocker");
        // Wait until the thread is inside the blocker's evaluation, then pile changes onto another device.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!evaluations.containsKey("blocker") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        for (int i = 0; i < 10_000; i++) {
            twins.update("busy", new TwinSections(tags("n", Integer.toString(i)), null), null);
        }
        blockFirstEvaluation.countDown();
        triggers.awaitIdle(10, TimeUnit.SECONDS);

        assertThat(evaluations.get("busy")).as("10,000 twin changes while the thread was busy").hasValue(1);
    }

    @Test
    void theHighestPriorityWinsAndTiesGoToTheNewest() throws Exception {
        devices.createDevice("d");
        applier.start();
        store.put(configuration("low", "*", 1));
        clock.advance(java.time.Duration.ofSeconds(1));
        store.put(configuration("high", "*", 5));
        clock.advance(java.time.Duration.ofSeconds(1));
        store.put(configuration("newer-high", "*", 5));
        triggers.configurationsChanged();
        triggers.awaitIdle(10, TimeUnit.SECONDS);

        assertThat(twinStore.load("d").desired().get("setting")).isEqualTo(new JsonPrimitive("newer-high"));
        assertThat(applier.statusesOf("d")).containsEntry("newer-high", "applied")
                .containsEntry("high", "targeted").containsEntry("low", "targeted");
    }

    @Test
    void aTwinHoldingTheWinnersPropertiesIsReadWithTheWinnerApplied() throws Exception {
        devices.createDevice("d");
        applier.start();
        store.put(configuration("low", "*", 1));
        triggers.configurationsChanged();
        triggers.awaitIdle(10, TimeUnit.SECONDS);
        assertThat(applier.statusesOf("d")).containsEntry("low", "applied");
        CountDownLatch highWritten = new CountDownLatch(1);
        CountDownLatch read = new CountDownLatch(1);
        afterTwinWrite = twin -> {
            if (new JsonPrimitive("high").equals(twin.desired().get("setting"))) {
                highWritten.countDown();
                try {
                    // Time for a reader to come between the twin write and the statuses, if it can.
                    read.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };

        clock.advance(java.time.Duration.ofSeconds(1));
        store.put(configuration("high", "*", 5));
        triggers.configurationsChanged();
        assertThat(highWritten.await(10, TimeUnit.SECONDS)).isTrue();
        var seen = applier.readWithStatuses(IdentityId.device("d"), () -> twinStore.load("d"));
        read.countDown();

        assertThat(seen.twin().desired().get("setting")).isEqualTo(new JsonPrimitive("high"));
        assertThat(seen.statuses()).containsEntry("high", "applied").containsEntry("low", "targeted");
    }

    private Configuration configuration(String id, String target, int priority) {
        return new Configuration(id, "1.0", Map.of(), Map.of("properties.desired.setting", new JsonPrimitive(id)),
                target, priority, clock.instant(), clock.instant(), Map.of(), 1);
    }

    private static JsonObject tags(String name, String value) {
        JsonObject tags = new JsonObject();
        tags.addProperty(name, value);
        return tags;
    }

    private static io.github.iothubquickstart.localhub.twin.TwinDocument withTag(
            io.github.iothubquickstart.localhub.twin.TwinDocument twin, String name, String value) {
        return new io.github.iothubquickstart.localhub.twin.TwinDocument(twin.deviceId(), twin.version() + 1,
                tags(name, value), twin.desired(), twin.desiredVersion(), twin.desiredUpdated(),
                twin.desiredMetadata(), twin.reported(), twin.reportedVersion(), twin.reportedUpdated(),
                twin.reportedMetadata());
    }

    /** Configurations in memory, oldest first. */
    private static final class InMemoryConfigurations implements ConfigurationStore {
        private final List<Configuration> configurations = new CopyOnWriteArrayList<>();
        private final Map<String, String> applied = new ConcurrentHashMap<>();

        @Override
        public List<Configuration> list() {
            return List.copyOf(configurations);
        }

        @Override
        public Optional<Configuration> find(String id) {
            return configurations.stream().filter(c -> c.id().equals(id)).findFirst();
        }

        @Override
        public void put(Configuration configuration) {
            configurations.removeIf(c -> c.id().equals(configuration.id()));
            configurations.add(configuration);
        }

        @Override
        public boolean delete(String id) {
            applied.values().removeIf(id::equals);
            return configurations.removeIf(c -> c.id().equals(id));
        }

        @Override
        public Map<String, String> applied() {
            return Map.copyOf(applied);
        }

        @Override
        public void setApplied(String deviceId, String configurationId) {
            if (configurationId == null) {
                applied.remove(deviceId);
            } else {
                applied.put(deviceId, configurationId);
            }
        }
    }
}
