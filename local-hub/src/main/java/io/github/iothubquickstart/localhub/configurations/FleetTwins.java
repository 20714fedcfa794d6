package io.github.iothubquickstart.localhub.configurations;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.query.TwinView;
import io.github.iothubquickstart.localhub.registry.DeviceNotFoundException;
import io.github.iothubquickstart.localhub.registry.RegisteredDevice;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.twin.TwinStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Device twins in the query JSON shape, for testing target conditions and metric queries: one device's, or every
 * registered device's. Reads the twin store: call it off the event loop.
 */
public final class FleetTwins {
    private final RegistryService registry;
    private final TwinStore twins;
    private final TwinView view;

    public FleetTwins(RegistryService registry, TwinStore twins, TwinView view) {
        this.registry = registry;
        this.twins = twins;
        this.view = view;
    }

    /** The device's twin, or empty when the device is not (or no longer) registered. */
    Optional<JsonObject> of(String deviceId) {
        try {
            RegisteredDevice device = registry.get(deviceId);
            return Optional.of(view.of(twins.load(deviceId), device));
        } catch (IotHubError | DeviceNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Every registered device's id. */
    List<String> deviceIds() {
        return registry.list().stream().map(device -> device.identity().deviceId()).toList();
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
}
