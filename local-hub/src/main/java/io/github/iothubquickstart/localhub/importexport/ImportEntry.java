package io.github.iothubquickstart.localhub.importexport;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.registry.DeviceUpdate;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleUpdate;
import java.util.Objects;

/**
 * One line of an import: the device (or module, {@code moduleId} not null), what to do with it, the identity's
 * {@code eTag} and the twin's {@code twinETag} as given (null when absent), the identity as asked for (a
 * {@link DeviceUpdate} for a device, a {@link ModuleUpdate} for a module) and the twin's sections, each null when the
 * line has none ({@code $metadata} and {@code $version} already taken out).
 */
public record ImportEntry(String deviceId, String moduleId, ImportExportMode mode, String eTag, String twinETag,
                          DeviceUpdate device, ModuleUpdate module, JsonObject tags, JsonObject desired,
                          JsonObject reported) {

    public ImportEntry {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(mode, "mode");
        if (moduleId == null ? device == null : module == null) {
            throw new IllegalArgumentException("a device line needs the device, a module line the module");
        }
    }

    public IdentityId identity() {
        return moduleId == null ? IdentityId.device(deviceId) : IdentityId.module(deviceId, moduleId);
    }

    public boolean hasTwin() {
        return tags != null || desired != null || reported != null;
    }
}
