package io.github.iothubquickstart.localhub.configurations;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.query.TwinCondition;
import io.github.iothubquickstart.localhub.registry.ETags;
import io.github.iothubquickstart.localhub.registry.RegisteredDevice;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * IoT Hub's configurations (automatic device management) as the service API uses them: create, replace with ETags,
 * read with their metrics, list, delete, and applying content to one device. Every change is stored before it is
 * answered, then handed to the {@link ConfigurationApplier} through {@link ConfigurationTriggers}. Reads twins to compute metrics: call it off the event
 * loop. Fails only with {@link IotHubError}.
 */
public final class ConfigurationService {
    /** IoT Hub's limit of configurations per hub (standard tier). */
    public static final int MAX_CONFIGURATIONS = 100;

    private final ConfigurationStore store;
    private final ConfigurationApplier applier;
    private final ConfigurationTriggers triggers;
    private final FleetTwins fleet;
    private final RegistryService registry;
    private final Clock clock;
    /** Keeps each read-check-write of the store whole. */
    private final ReentrantLock changes = new ReentrantLock();

    public ConfigurationService(ConfigurationStore store, ConfigurationApplier applier,
                                ConfigurationTriggers triggers, FleetTwins fleet, RegistryService registry,
                                Clock clock) {
        this.store = store;
        this.applier = applier;
        this.triggers = triggers;
        this.fleet = fleet;
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * Creates the configuration ({@code ifMatch} null: 409 if it exists) or replaces it ({@code ifMatch} its ETag
     * or {@code *}: 404 if it does not exist, 412 for another ETag). A replacement may change labels, target
     * condition, priority and metrics; its content must stay as created.
     */
    public ConfiguredView put(String id, ConfigurationDraft draft, String ifMatch) {
        ConfigurationRules.requireValidId(id);
        if (draft.id() != null && !draft.id().equals(id)) {
            throw IotHubErrors.argumentInvalid("The body's id " + draft.id() + " is not the path's " + id + ".");
        }
        if (draft.otherContent() != null) {
            throw IotHubErrors.argumentInvalid("content." + draft.otherContent() + " (an IoT Edge deployment) is not"
                    + " supported by the local hub: its configurations set device twins' desired properties"
                    + " (content.deviceContent) or module twins' (content.moduleContent).");
        }
        boolean forModules = draft.moduleContent() != null && !draft.moduleContent().isEmpty();
        if (forModules && draft.deviceContent() != null && !draft.deviceContent().isEmpty()) {
            throw IotHubErrors.argumentInvalid("The configuration has both content.deviceContent and"
                    + " content.moduleContent: a configuration targets device twins or module twins, give one.");
        }
        Map<String, JsonElement> content = forModules ? draft.moduleContent() : draft.deviceContent();
        ConfigurationRules.desiredPatch(content, forModules ? "moduleContent" : "deviceContent");
        ConfigurationRules.targetCondition(draft.targetCondition(), forModules);
        int priority = ConfigurationRules.priority(draft.priority());
        Map<String, String> labels = draft.labels() == null ? Map.of() : draft.labels();
        Map<String, String> metrics = draft.metricQueries() == null ? Map.of() : draft.metricQueries();
        ConfigurationRules.requireValidMetrics(metrics, forModules);
        String expected = ETags.unquote(ifMatch);
        Configuration stored;
        changes.lock();
        try {
            Optional<Configuration> existing = store.find(id);
            Instant now = Instant.ofEpochMilli(clock.millis());
            if (expected == null) {
                if (existing.isPresent()) {
                    throw new IotHubError(409, 409, "A configuration with id " + id + " already exists; replace it"
                            + " with If-Match: its ETag (or *).");
                }
                if (store.list().size() >= MAX_CONFIGURATIONS) {
                    throw new IotHubError(403, 403002, "The hub already has " + MAX_CONFIGURATIONS
                            + " configurations, IoT Hub's limit; delete one first.");
                }
                stored = new Configuration(id, "1.0", labels, content, draft.targetCondition(), priority, now, now,
                        metrics, 1, forModules);
            } else {
                Configuration current = existing.orElseThrow(() -> notFound(id));
                requireETag(current, expected);
                if (current.forModules() != forModules || !current.deviceContent().equals(content)) {
                    throw IotHubErrors.argumentInvalid("The content of configuration " + id + " cannot change after"
                            + " it is created (IoT Hub's rule): only labels, targetCondition, priority and metrics"
                            + " can; create a new configuration for new content.");
                }
                stored = new Configuration(id, current.schemaVersion(), labels, current.deviceContent(),
                        draft.targetCondition(), priority, current.created(), now, metrics, current.revision() + 1,
                        forModules);
            }
            store.put(stored);
        } finally {
            changes.unlock();
        }
        triggers.configurationsChanged();
        return withMetrics(List.of(stored)).get(0);
    }

    public ConfiguredView get(String id) {
        ConfigurationRules.requireValidId(id);
        Configuration configuration = store.find(id).orElseThrow(() -> notFound(id));
        return withMetrics(List.of(configuration)).get(0);
    }

    /** The first {@code top} configurations (oldest first), or all for null. */
    public List<ConfiguredView> list(Integer top) {
        if (top != null && top < 1) {
            throw IotHubErrors.argumentInvalid("top must be 1 or more, not " + top + ".");
        }
        List<Configuration> all = store.list();
        return withMetrics(top == null || top >= all.size() ? all : all.subList(0, top));
    }

    /** Deletes the configuration ({@code ifMatch} its ETag, {@code *} or null). Twins keep what it set. */
    public void delete(String id, String ifMatch) {
        ConfigurationRules.requireValidId(id);
        String expected = ETags.unquote(ifMatch);
        changes.lock();
        try {
            Configuration current = store.find(id).orElseThrow(() -> notFound(id));
            if (expected != null) {
                requireETag(current, expected);
            }
            store.delete(id);
        } finally {
            changes.unlock();
        }
        triggers.configurationsChanged();
    }

    /**
     * {@code POST /devices/{id}/applyConfigurationContent}: IoT Hub applies an IoT Edge deployment
     * ({@code modulesContent}) to an Edge device this way, and refuses anything else with 400, as here. The local hub
     * runs no IoT Edge deployments, so it refuses those too (400), after the checks IoT Hub makes first.
     */
    public void applyContent(String deviceId, ConfigurationDraft content) {
        RegisteredDevice device = registry.get(deviceId);
        if (!"modulesContent".equals(content.otherContent())) {
            throw IotHubErrors.argumentInvalid("applyConfigurationContent applies an IoT Edge deployment: the content"
                    + " needs modulesContent; device configurations (deviceContent) are applied by their target"
                    + " condition.");
        }
        if (!device.identity().edge().iotEdge()) {
            throw IotHubErrors.argumentInvalid("Device " + deviceId + " is not an IoT Edge device:"
                    + " modulesContent applies to IoT Edge devices only.");
        }
        throw IotHubErrors.argumentInvalid("IoT Edge deployments (modulesContent) are not supported by the local hub.");
    }

    private static void requireETag(Configuration current, String expected) {
        if (!"*".equals(expected) && !expected.equals(current.etag())) {
            throw IotHubErrors.preconditionFailed("configuration " + current.id() + " has changed since ETag "
                    + expected + " (it is now " + current.etag() + "); read it again and retry.");
        }
    }

    private static IotHubError notFound(String id) {
        return new IotHubError(404, 404, "Configuration " + id + " does not exist in this hub.");
    }

    /** The configurations with their system metrics (from the applier) and custom metrics (counted over the twins). */
    private List<ConfiguredView> withMetrics(List<Configuration> configurations) {
        boolean anyCustom = configurations.stream().anyMatch(c -> !c.forModules() && !c.metricQueries().isEmpty());
        boolean anyModuleCustom = configurations.stream().anyMatch(c -> c.forModules() && !c.metricQueries().isEmpty());
        List<JsonObject> deviceTwins = anyCustom ? fleet.all() : List.of();
        List<JsonObject> moduleTwins = anyModuleCustom ? fleet.allModules() : List.of();
        List<ConfiguredView> views = new ArrayList<>(configurations.size());
        for (Configuration configuration : configurations) {
            Map<String, Long> custom = new LinkedHashMap<>();
            List<JsonObject> twins = configuration.forModules() ? moduleTwins : deviceTwins;
            configuration.metricQueries().forEach((name, query) -> {
                TwinCondition condition = ConfigurationRules.metricCondition(name, query,
                        configuration.forModules());
                custom.put(name, twins.stream().filter(condition::matches).count());
            });
            ConfigurationApplier.SystemCounts counts = applier.counts(configuration.id());
            views.add(new ConfiguredView(configuration, counts.targeted(), counts.applied(), custom));
        }
        return views;
    }
}
