package io.github.iothubquickstart.localhub.digitaltwins;

import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.twin.TwinStore;

/**
 * Keeps the model id a device or module announces when it connects (IoT Plug and Play) in its twin, where the twin,
 * queries and the digital twin show it. As IoT Hub does, a connection without a model id leaves the last announced
 * one in place; a different one replaces it. Stores before it returns (the transport answers the connection after
 * that), and writes nothing when the twin already has that model. Blocking: transports call it off the event loop.
 */
public final class ModelAnnouncements {
    private final TwinStore twins;

    public ModelAnnouncements(TwinStore twins) {
        this.twins = twins;
    }

    /**
     * Records {@code modelId} (null: the connection announced none) for {@code owner}.
     *
     * @throws IllegalArgumentException if {@code modelId} is not a DTMI (the transport refuses the connection)
     */
    public void announce(IdentityId owner, String modelId) {
        if (modelId == null) {
            return;
        }
        if (!ModelIds.isValid(modelId)) {
            throw new IllegalArgumentException(ModelIds.describeInvalid(modelId));
        }
        if (modelId.equals(twins.load(owner).modelId())) {
            return;
        }
        twins.update(owner, twin -> twin.withModelId(modelId));
    }
}
