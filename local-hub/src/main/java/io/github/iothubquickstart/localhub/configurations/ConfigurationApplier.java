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
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts configurations onto twins, on one thread of its own ({@code configurations}), never on an event loop: device
 * configurations onto device twins, module configurations onto module twins, each module evaluated as a device is. A
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
    /** Device (or module) to configuration id to status; only the thread writes it. */
    private final Map<IdentityId, Map<String, String>> statuses = new ConcurrentHashMap<>();
    /** Device (or module) to the configuration its twin last got, as stored. */
    private final Map<IdentityId, String> applied = new ConcurrentHashMap<>();
    /**
     * Written while a configuration goes onto a twin and the statuses change with it, read while a twin is read
     * with its statuses: without it a reader saw the new desired properties beside the old statuses.
     */
    private final ReadWriteLock twinWithStatuses = new ReentrantReadWriteLock();

    public ConfigurationApplier(ConfigurationStore store, FleetTwins fleet, TwinService twins,
                                ConfigurationTriggers triggers) {
        this.store = store;
        this.fleet = fleet;
        this.twins = twins;
        this.triggers = triggers;
    }

    /** Reads what was applied before a restart and evaluates every device once, then every change. */
    public ConfigurationApplier start() {
        store.applied().forEach((owner, configurationId) -> applied.put(ownerOf(owner), configurationId));
        triggers.configurationsChanged();
        triggers.serveWith(this::evaluate);
        return this;
    }

    @Override
    public Map<String, String> statusesOf(IdentityId owner) {
        Map<String, String> of = statuses.get(owner);
        return of == null ? Map.of() : of;
    }

    @Override
    public <T> WithStatuses<T> readWithStatuses(IdentityId owner, Supplier<T> read) {
        twinWithStatuses.readLock().lock();
        try {
            return ConfigurationStatuses.super.readWithStatuses(owner, read);
        } finally {
            twinWithStatuses.readLock().unlock();
        }
    }

    /** How many devices (or modules) the configuration targets, and on how many it is applied. */
    SystemCounts counts(String configurationId) {
        long targeted = 0;
        long appliedCount = 0;
        for (Map<String, String> ofOwner : statuses.values()) {
            String status = ofOwner.get(configurationId);
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

    private void evaluate(boolean everyDevice, Set<IdentityId> changed) {
        List<Evaluated> configurations = store.list().stream().map(Evaluated::of).flatMap(Optional::stream)
                .toList();
        if (configurations.isEmpty() && statuses.isEmpty() && applied.isEmpty()) {
            return; // nothing targets anyone, nothing to forget: a twin change costs no twin read
        }
        boolean anyForModules = configurations.stream().anyMatch(c -> c.configuration().forModules());
        Set<IdentityId> owners = new HashSet<>(changed);
        if (everyDevice) {
            Set<IdentityId> registered = new HashSet<>();
            for (String deviceId : fleet.deviceIds()) {
                registered.add(IdentityId.device(deviceId));
                if (anyForModules) {
                    registered.addAll(fleet.modulesOf(deviceId));
                }
            }
            // Modules are listed only while a module configuration exists; those known before are evaluated anyway.
            owners.addAll(statuses.keySet());
            owners.addAll(applied.keySet());
            owners.addAll(registered);
        } else {
            // A device changed or deleted: its modules' twins come and go with it.
            for (IdentityId owner : changed) {
                if (!owner.isModule()) {
                    if (anyForModules) {
                        owners.addAll(fleet.modulesOf(owner.deviceId()));
                    }
                    Stream.concat(statuses.keySet().stream(), applied.keySet().stream())
                            .filter(known -> known.isModule() && known.deviceId().equals(owner.deviceId()))
                            .forEach(owners::add);
                }
            }
        }
        for (IdentityId owner : owners) {
            evaluate(owner, configurations);
        }
    }

    private void evaluate(IdentityId owner, List<Evaluated> configurations) {
        Optional<JsonObject> twin = fleet.of(owner);
        if (twin.isEmpty()) {
            statuses.remove(owner);
            forget(owner);
            return;
        }
        Configuration winner = null;
        Map<String, String> ofOwner = new LinkedHashMap<>();
        for (Evaluated candidate : configurations) {
            // Device configurations go to device twins, module configurations to module twins.
            if (candidate.configuration().forModules() == owner.isModule() && candidate.target().matches(twin.get())) {
                ofOwner.put(candidate.configuration().id(), TARGETED);
                if (winner == null || candidate.configuration().winsOver(winner)) {
                    winner = candidate.configuration();
                }
            }
        }
        if (winner == null) {
            forget(owner);
            publish(owner, ofOwner);
        } else if (winner.id().equals(applied.get(owner))) {
            ofOwner.put(winner.id(), APPLIED);
            publish(owner, ofOwner);
        } else {
            twinWithStatuses.writeLock().lock();
            try {
                if (apply(owner, winner)) {
                    ofOwner.put(winner.id(), APPLIED);
                }
                publish(owner, ofOwner);
            } finally {
                twinWithStatuses.writeLock().unlock();
            }
        }
    }

    private void publish(IdentityId owner, Map<String, String> ofOwner) {
        if (ofOwner.isEmpty()) {
            statuses.remove(owner);
        } else {
            statuses.put(owner, Map.copyOf(ofOwner));
        }
    }

    /** Writes the configuration's desired properties to the twin, then records it; false if the twin refused. */
    private boolean apply(IdentityId owner, Configuration configuration) {
        try {
            JsonObject patch = ConfigurationRules.desiredPatch(configuration.deviceContent(),
                    configuration.contentName());
            twins.update(owner, new TwinSections(null, patch), null);
        } catch (IotHubError e) {
            LOG.warn("Configuration {} could not be applied to {}: {}", configuration.id(), owner, e.getMessage());
            forget(owner);
            return false;
        }
        store.setApplied(owner.toString(), configuration.id());
        applied.put(owner, configuration.id());
        return true;
    }

    private void forget(IdentityId owner) {
        if (applied.remove(owner) != null) {
            store.setApplied(owner.toString(), null);
        }
    }

    /** The store's key of a device ({@code d}) or module ({@code d/m}); device ids never contain a slash. */
    private static IdentityId ownerOf(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? IdentityId.device(key) : IdentityId.module(key.substring(0, slash), key.substring(slash + 1));
    }

    /**
     * A configuration with its target condition parsed once per round; empty (and logged) for a stored condition
     * this version's parser refuses, so one bad configuration does not stop the others.
     */
    private record Evaluated(Configuration configuration, TwinCondition target) {
        static Optional<Evaluated> of(Configuration configuration) {
            try {
                return Optional.of(new Evaluated(configuration,
                        ConfigurationRules.targetCondition(configuration.targetCondition(),
                                configuration.forModules())));
            } catch (IotHubError e) {
                LOG.warn("Configuration {} is not applied: {}", configuration.id(), e.getMessage());
                return Optional.empty();
            }
        }
    }
}
