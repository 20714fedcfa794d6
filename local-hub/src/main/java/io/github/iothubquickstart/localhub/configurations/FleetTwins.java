package io.github.iothubquickstart.localhub.configurations;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.query.ModuleTwinView;
import io.github.iothubquickstart.localhub.query.TwinView;
import io.github.iothubquickstart.localhub.registry.DeviceNotFoundException;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleNotFoundException;
import io.github.iothubquickstart.localhub.registry.ModuleService;
import io.github.iothubquickstart.localhub.registry.RegisteredDevice;
import io.github.iothubquickstart.localhub.registry.RegisteredModule;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.twin.TwinStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Device and module twins in the query JSON shape, for testing target conditions and metric queries: one device's
 * or module's, or every registered one's. Reads the twin store: call it off the event loop.
 */
public final class FleetTwins {
    private final RegistryService registry;
    private final ModuleService modules;
    private final TwinStore twins;
    private final TwinView view;
    private final ModuleTwinView moduleView;

    public FleetTwins(RegistryService registry, ModuleService modules, TwinStore twins, TwinView view,
                      ModuleTwinView moduleView) {
        this.registry = registry;
        this.modules = modules;
        this.twins = twins;
        this.view = view;
        this.moduleView = moduleView;
    }

    /** Devices only: a fleet without modules. */
    public FleetTwins(RegistryService registry, TwinStore twins, TwinView view) {
        this(registry, null, twins, view, null);
    }

    /** The device's twin, or empty when the device is not (or no longer) registered. */
    Optional<JsonObject> of(String deviceId) {
        return of(IdentityId.device(deviceId));
    }

    /** The device's or module's twin, or empty when it is not (or no longer) registered. */
    Optional<JsonObject> of(IdentityId owner) {
        try {
            if (owner.isModule()) {
                if (modules == null) {
                    return Optional.empty();
                }
                RegisteredModule module = modules.get(owner.deviceId(), owner.moduleId());
                return Optional.of(moduleView.of(twins.load(owner), module));
            }
            RegisteredDevice device = registry.get(owner.deviceId());
            return Optional.of(view.of(twins.load(owner.deviceId()), device));
        } catch (IotHubError | DeviceNotFoundException | ModuleNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Every registered device's id. */
    List<String> deviceIds() {
        return registry.list().stream().map(device -> device.identity().deviceId()).toList();
    }

    /** The device's modules' ids; empty when it has none or is not registered. */
    List<IdentityId> modulesOf(String deviceId) {
        if (modules == null) {
            return List.of();
        }
        try {
            return modules.list(deviceId).stream().map(module -> module.identity().id()).toList();
        } catch (IotHubError notRegistered) {
            return List.of();
        }
    }

    /** Every registered device's twin; a device deleted meanwhile is left out. */
    List<JsonObject> all() {
        List<JsonObject> result = new ArrayList<>();
        for (RegisteredDevice device : registry.list()) {
            try {
                result.add(view.of(twins.load(device.identity().deviceId()), device));
            } catch (DeviceNotFoundException e) {
                // deleted between the listing and the read
            }
        }
        return result;
    }

    /** Every registered module's twin; one deleted meanwhile is left out. */
    List<JsonObject> allModules() {
        List<JsonObject> result = new ArrayList<>();
        for (String deviceId : deviceIds()) {
            for (IdentityId module : modulesOf(deviceId)) {
                of(module).ifPresent(result::add);
            }
        }
        return result;
    }
}
