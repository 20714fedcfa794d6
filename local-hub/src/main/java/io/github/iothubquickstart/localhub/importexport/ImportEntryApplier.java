package io.github.iothubquickstart.localhub.importexport;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.ETags;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleService;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import io.github.iothubquickstart.localhub.twin.TwinSections;
import io.github.iothubquickstart.localhub.twin.TwinService;

/**
 * Applies one import line as IoT Hub's {@code importMode} says, through the registry's and twins' own operations (so
 * a deleted, disabled or re-keyed device loses its connection, and a changed desired property reaches the device).
 * The identity's {@code eTag} and the twin's {@code twinETag} are checked independently; a twin given on a line
 * replaces the twin's tags, desired and reported properties (each section the line has). Fails with
 * {@link IotHubError}, which the import writes to its error log.
 */
final class ImportEntryApplier {
    private final RegistryService devices;
    private final ModuleService modules;
    private final TwinService twins;

    ImportEntryApplier(RegistryService devices, ModuleService modules, TwinService twins) {
        this.devices = devices;
        this.modules = modules;
        this.twins = twins;
    }

    void apply(ImportEntry entry) {
        switch (entry.mode()) {
            case CREATE -> {
                create(entry);
                replaceTwin(entry, null);
            }
            case CREATE_OR_UPDATE, CREATE_OR_UPDATE_IF_MATCH_ETAG -> {
                if (exists(entry)) {
                    update(entry, entry.mode() == ImportExportMode.CREATE_OR_UPDATE ? null : requireETag(entry));
                    replaceTwin(entry, entry.twinETag());
                } else {
                    // A new identity's twin is new too: there is no earlier version for twinETag to match.
                    create(entry);
                    replaceTwin(entry, null);
                }
            }
            case UPDATE -> {
                update(entry, null);
                replaceTwin(entry, entry.twinETag());
            }
            case UPDATE_IF_MATCH_ETAG -> {
                update(entry, requireETag(entry));
                replaceTwin(entry, entry.twinETag());
            }
            case DELETE -> delete(entry, null);
            case DELETE_IF_MATCH_ETAG -> delete(entry, requireETag(entry));
            case UPDATE_TWIN -> replaceTwin(requireTwin(entry), null);
            case UPDATE_TWIN_IF_MATCH_ETAG -> replaceTwin(requireTwin(entry), requireTwinETag(entry));
        }
    }

    private boolean exists(ImportEntry entry) {
        if (entry.moduleId() == null) {
            RegistryService.requireValidId(entry.deviceId());
            return devices.identity(entry.deviceId()).isPresent();
        }
        try {
            modules.get(entry.deviceId(), entry.moduleId());
            return true;
        } catch (IotHubError e) {
            if (e.errorCode() == 404010) {
                return false;
            }
            throw e;
        }
    }

    private void create(ImportEntry entry) {
        if (entry.moduleId() == null) {
            devices.create(entry.deviceId(), entry.device());
        } else {
            modules.create(entry.deviceId(), entry.moduleId(), entry.module());
        }
    }

    private void update(ImportEntry entry, String ifMatch) {
        if (entry.moduleId() == null) {
            devices.update(entry.deviceId(), entry.device(), ifMatch);
        } else {
            modules.update(entry.deviceId(), entry.moduleId(), entry.module(), ifMatch);
        }
    }

    private void delete(ImportEntry entry, String ifMatch) {
        if (entry.moduleId() == null) {
            devices.delete(entry.deviceId(), ifMatch);
        } else {
            modules.delete(entry.deviceId(), entry.moduleId(), ifMatch);
        }
    }

    /** Replaces the sections the line has; {@code ifMatch}: the twin's ETag it must have, or null. */
    private void replaceTwin(ImportEntry entry, String ifMatch) {
        if (!entry.hasTwin()) {
            return;
        }
        IdentityId owner = entry.identity();
        String expected = ETags.unquote(ifMatch);
        if (entry.tags() != null || entry.desired() != null) {
            TwinDocument current = twins.get(owner);
            twins.replace(owner, new TwinSections(
                    entry.tags() != null ? entry.tags() : current.tags(),
                    entry.desired() != null ? entry.desired() : current.desired()), expected);
        } else if (expected != null && !"*".equals(expected) && !expected.equals(twins.get(owner).etag())) {
            throw IotHubErrors.preconditionFailed("the twin of " + owner + " has changed since twinETag " + expected
                    + "; export it again and retry.");
        }
        if (entry.reported() != null) {
            JsonObject patch = MergePatches.between(twins.get(owner).reported(), entry.reported());
            if (!patch.isEmpty()) {
                twins.updateReported(owner, patch, null);
            }
        }
    }

    private static ImportEntry requireTwin(ImportEntry entry) {
        if (!entry.hasTwin()) {
            throw IotHubErrors.argumentInvalid("importMode " + entry.mode().wireName() + " needs the twin: give tags"
                    + " or properties.");
        }
        return entry;
    }

    private static String requireETag(ImportEntry entry) {
        String eTag = ETags.unquote(entry.eTag());
        if (eTag == null) {
            throw IotHubErrors.argumentInvalid("importMode " + entry.mode().wireName() + " needs the "
                    + (entry.moduleId() == null ? "device" : "module") + "'s eTag.");
        }
        return eTag;
    }

    private static String requireTwinETag(ImportEntry entry) {
        String eTag = ETags.unquote(entry.twinETag());
        if (eTag == null) {
            throw IotHubErrors.argumentInvalid("importMode " + entry.mode().wireName() + " needs the twin's twinETag.");
        }
        return eTag;
    }
}
