package io.github.iothubquickstart.localhub.twin;

import java.util.function.UnaryOperator;

/** Where twins live; a twin exists exactly as long as its device is registered. Implementations are thread-safe. */
public interface TwinStore {

    /**
     * The device's twin (an empty one if nothing was ever written).
     *
     * @throws io.github.iothubquickstart.localhub.registry.DeviceNotFoundException if the device is not registered
     */
    TwinDocument load(String deviceId);

    /**
     * Reads the twin, applies {@code change} and stores the result, all in one transaction, so concurrent changes
     * (from this process or another one sharing the data directory) are serialised. {@code change} may throw to
     * abandon the update; returning its argument unchanged writes nothing.
     *
     * @throws io.github.iothubquickstart.localhub.registry.DeviceNotFoundException if the device is not registered
     */
    TwinDocument update(String deviceId, UnaryOperator<TwinDocument> change);
}
