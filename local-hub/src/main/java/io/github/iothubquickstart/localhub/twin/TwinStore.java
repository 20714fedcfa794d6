package io.github.iothubquickstart.localhub.twin;

import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.util.function.UnaryOperator;

/**
 * Where twins live: a device's twin exists exactly as long as the device is registered, a module's as long as the
 * module is. Implementations are thread-safe.
 */
public interface TwinStore {

    /**
     * The twin of the device or module (an empty one if nothing was ever written).
     *
     * @throws io.github.iothubquickstart.localhub.registry.DeviceNotFoundException if the device is not registered
     * @throws io.github.iothubquickstart.localhub.registry.ModuleNotFoundException if the module is not registered
     */
    TwinDocument load(IdentityId owner);

    /** As {@link #update(IdentityId, UnaryOperator)}, for a device's twin or a module's. */
    TwinDocument update(IdentityId owner, UnaryOperator<TwinDocument> change);

    default TwinDocument load(String deviceId) {
        return load(IdentityId.device(deviceId));
    }

    /**
     * Reads the twin, applies {@code change} and stores the result, all in one transaction, so concurrent changes
     * (from this process or another one sharing the data directory) are serialised. {@code change} may throw to
     * abandon the update; returning its argument unchanged writes nothing.
     *
     * @throws io.github.iothubquickstart.localhub.registry.DeviceNotFoundException if the device is not registered
     */
    default TwinDocument update(String deviceId, UnaryOperator<TwinDocument> change) {
        return update(IdentityId.device(deviceId), change);
    }
}
