package io.github.iothubquickstart.localhub.configurations;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.query.TwinCondition;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.twin.TwinSections;
import io.github.iothubquickstart.localhub.twin.TwinService;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts configurations onto twins, on one thread of its own ({@code configurations}), never on an event loop. A
 * device's twin is tested against every configuration's target condition when it changes, when the device is
 * created, and for every device when a configuration is added, changed or removed. Of the configurations that
 * target a device, the one with the highest priority (then the newest) is applied: its desired properties go
 * through {@link TwinService}, so connected devices get them pushed and the versions move on. Each configuration is
 * applied once while it keeps winning the device; the twin keeps the properties when it stops (as on IoT Hub).
 * What is due comes from {@link ConfigurationTriggers}, on its thread.
 */
public final class ConfigurationApplier implements ConfigurationStatuses {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationApplier.class);
    static final String TARGETED = "targeted";
    static final String APPLIED = "applied";

    private final ConfigurationStore store;
    private final FleetTwins fleet;
    private final TwinService twins;
    private final ConfigurationTriggers triggers;
    /** Device id to configuration id to status; only the thread writes it. */
    private final Map<String, Map<String, String>> statuses = new ConcurrentHashMap<>();
    /** Device id to the configuration its twin last got, as stored. */
    private final Map<String, String> applied = new ConcurrentHashMap<>();

    public ConfigurationApplier(ConfigurationStore store, FleetTwins fleet, TwinService twins,
                                ConfigurationTriggers triggers) {
        this.store = store;
        this.fleet = fleet;
        this.twins = twins;
        this.triggers = triggers;
    }

    /** Reads what was applied before a restart and evaluates every device once, then every change. */
    public ConfigurationApplier start() {
        applied.putAll(store.applied());
        triggers.configurationsChanged();
        triggers.serveWith(this::evaluate);
        return this;
    }

    @Override
    public Map<String, String> statusesOf(String deviceId) {
        Map<String, String> of = statuses.get(deviceId);
        return of == null ? Map.of() : of;
    }

    /** How many devices the configuration targets, and on how many it is applied. */
    SystemCounts counts(String configurationId) {
        long targeted = 0;
        long appliedCount = 0;
        for (Map<String, String> ofDevice : statuses.values()) {
            String status = ofDevice.get(configurationId);
            if (status != null) {
                targeted++;
                if (APPLIED.equals(status)) {
                    appliedCount++;
                }
            }
        }
        return new SystemCounts(targeted, appliedCount);
    }

    record SystemCounts(long targeted, long applied) {
    }

    private void evaluate(boolean everyDevice, Set<String> changed) {
        List<Evaluated> configurations = store.list().stream().map(Evaluated::of).flatMap(Optional::stream)
                .toList();
        if (configurations.isEmpty() && statuses.isEmpty() && applied.isEmpty()) {
            return; // nothing targets anyone, nothing to forget: a twin change costs no twin read
        }
        Set<String> devices = new HashSet<>(changed);
        if (everyDevice) {
            Set<String> registered = new HashSet<>(fleet.deviceIds());
            statuses.keySet().removeIf(id -> !registered.contains(id));
            applied.keySet().stream().filter(id -> !registered.contains(id)).toList().forEach(this::forget);
            devices.addAll(registered);
        }
        for (String deviceId : devices) {
            evaluate(deviceId, configurations);
        }
    }

    private void evaluate(String deviceId, List<Evaluated> configurations) {
        Optional<JsonObject> twin = fleet.of(deviceId);
        if (twin.isEmpty()) {
            statuses.remove(deviceId);
            forget(deviceId);
            return;
        }
        Configuration winner = null;
        Map<String, String> ofDevice = new LinkedHashMap<>();
        for (Evaluated candidate : configurations) {
            if (candidate.target().matches(twin.get())) {
                ofDevice.put(candidate.configuration().id(), TARGETED);
                if (winner == null || candidate.configuration().winsOver(winner)) {
                    winner = candidate.configuration();
                }
            }
        }
        if (winner == null) {
            forget(deviceId);
        } else if (winner.id().equals(applied.get(deviceId)) || apply(deviceId, winner)) {
            ofDevice.put(winner.id(), APPLIED);
        }
        if (ofDevice.isEmpty()) {
            statuses.remove(deviceId);
        } else {
            statuses.put(deviceId, Map.copyOf(ofDevice));
        }
    }

    /** Writes the configuration's desired properties to the twin, then records it; false if the twin refused. */
    private boolean apply(String deviceId, Configuration configuration) {
        try {
            JsonObject patch = ConfigurationRules.desiredPatch(configuration.deviceContent());
            twins.update(IdentityId.device(deviceId), new TwinSections(null, patch), null);
        } catch (IotHubError e) {
            LOG.warn("Configuration {} could not be applied to device {}: {}", configuration.id(), deviceId,
                    e.getMessage());
            forget(deviceId);
            return false;
        }
        store.setApplied(deviceId, configuration.id());
        applied.put(deviceId, configuration.id());
        return true;
    }

    private void forget(String deviceId) {
        if (applied.remove(deviceId) != null) {
            store.setApplied(deviceId, null);
        }
    }

    /**
     * A configuration with its target condition parsed once per round; empty (and logged) for a stored condition
     * this version's parser refuses, so one bad configuration does not stop the others.
     */
    private record Evaluated(Configuration configuration, TwinCondition target) {
        static Optional<Evaluated> of(Configuration configuration) {
            try {
                return Optional.of(new Evaluated(configuration,
                        ConfigurationRules.targetCondition(configuration.targetCondition())));
            } catch (IotHubError e) {
                LOG.warn("Configuration {} is not applied: {}", configuration.id(), e.getMessage());
                return Optional.empty();
            }
        }
    }
}
