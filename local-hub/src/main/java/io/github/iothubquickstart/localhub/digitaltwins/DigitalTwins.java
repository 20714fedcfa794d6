package io.github.iothubquickstart.localhub.digitaltwins;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.ETags;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import io.github.iothubquickstart.localhub.twin.TwinSections;
import io.github.iothubquickstart.localhub.twin.TwinService;
import java.util.List;

/**
 * IoT Hub's digital twins: a device's twin seen through its IoT Plug and Play model. Reading projects the twin
 * ({@link DigitalTwinProjection}); a JSON Patch becomes a desired-properties change of the twin
 * ({@link DesiredPatchBuilder}), made by {@link TwinService} with the same ETag check, storage and push to the
 * device as a twin PATCH. Only a device that announced a model has a digital twin. Blocking (storage); fails only with
 * {@link IotHubError}.
 */
public final class DigitalTwins {
    private static final int MAX_ATTEMPTS = 5;

    private final TwinService twins;

    public DigitalTwins(TwinService twins) {
        this.twins = twins;
    }

    /** The digital twin and its ETag (the twin's). */
    public Read get(String deviceId) {
        TwinDocument twin = withModel(deviceId);
        return new Read(DigitalTwinProjection.of(twin), twin.etag());
    }

    /**
     * Applies the JSON Patch if the twin still has ETag {@code ifMatch} (null or {@code *}: whatever it has); returns
     * the twin's new ETag.
     */
    public String update(String deviceId, List<PatchOperation> operations, String ifMatch) {
        String expected = ETags.unquote(ifMatch);
        boolean anyVersion = expected == null || "*".equals(expected);
        for (int attempt = 1; ; attempt++) {
            TwinDocument twin = withModel(deviceId);
            if (!anyVersion && !expected.equals(twin.etag())) {
                throw IotHubErrors.preconditionFailed("the digital twin of " + deviceId + " has changed since ETag "
                        + expected + " (it is now " + twin.etag() + "); read it again and retry.");
            }
            JsonObject desiredPatch = DesiredPatchBuilder.desiredPatch(twin, operations);
            try {
                // The twin's own ETag check makes the patch apply to the very twin it was checked against.
                return twins.update(IdentityId.device(deviceId), new TwinSections(null, desiredPatch), twin.etag())
                        .etag();
            } catch (IotHubError e) {
                // Another change came between reading and writing: a caller that named no ETag gets the patch
                // checked against the newer twin instead.
                if (!anyVersion || e.httpStatus() != 412 || attempt == MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private TwinDocument withModel(String deviceId) {
        TwinDocument twin = twins.get(deviceId);
        if (twin.modelId() == null) {
            throw IotHubErrors.argumentInvalid("Device " + deviceId + " has no digital twin: it has never connected"
                    + " with an IoT Plug and Play model id (MQTT user name model-id=..., or ClientOptions.modelId in"
                    + " the device SDKs).");
        }
        return twin;
    }

    /** A digital twin as read, with the ETag a later update may name in If-Match. */
    public record Read(JsonObject digitalTwin, String etag) {
    }
}
