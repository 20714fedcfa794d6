package io.github.iothubquickstart.localhub.twin;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.DeviceNotFoundException;
import io.github.iothubquickstart.localhub.registry.ETags;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleNotFoundException;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * Device and module twins as IoT Hub keeps them: the service reads the twin and changes tags and desired properties (with ETags
 * for optimistic concurrency); the device reads its properties and patches its reported ones. Each change bumps the
 * versions and is stored before it is answered; desired changes then go to the device, in version order.
 * Fails only with {@link IotHubError}.
 */
public final class TwinService {
    private final TwinStore store;
    private final DesiredPropertiesListener listener;
    private final Clock clock;
    /** Keeps "store, then notify" of one change ahead of the next, so devices see versions in order. */
    private final ReentrantLock changeOrder = new ReentrantLock();

    public TwinService(TwinStore store, DesiredPropertiesListener listener, Clock clock) {
        this.store = store;
        this.listener = listener;
        this.clock = clock;
    }

    public TwinDocument get(String deviceId) {
        return get(IdentityId.device(deviceId));
    }

    public TwinDocument get(IdentityId owner) {
        requireValidIds(owner);
        try {
            return store.load(owner);
        } catch (DeviceNotFoundException e) {
            throw IotHubErrors.deviceNotFound(owner.deviceId());
        } catch (ModuleNotFoundException e) {
            throw IotHubErrors.moduleNotFound(owner.deviceId(), owner.moduleId());
        }
    }

    public TwinDocument update(String deviceId, TwinSections sections, String ifMatch) {
        return update(IdentityId.device(deviceId), sections, ifMatch);
    }

    /**
     * Merges the given tags and desired properties into the twin (IoT Hub's twin PATCH). A section sent as JSON null
     * ({@code "properties":{"desired":null}}, {@code "tags":null}) removes all of it, as IoT Hub does: the desired
     * {@code $version} moves on and the device gets a patch naming each removed property with null.
     */
    public TwinDocument update(IdentityId owner, TwinSections sections, String ifMatch) {
        boolean clearTags = sections.tags() != null && sections.tags().isJsonNull();
        boolean clearDesired = sections.desired() != null && sections.desired().isJsonNull();
        JsonObject tagsPatch = ruleChecked(sections.tags(), "tags");
        JsonObject desiredPatch = ruleChecked(sections.desired(), "properties.desired");
        JsonObject[] notification = {desiredPatch};
        return change(owner, ifMatch, twin -> {
            TwinDocument result = twin;
            if (clearTags && !twin.tags().isEmpty()) {
                result = result.withTags(new JsonObject());
            }
            if (tagsPatch != null && !tagsPatch.isEmpty()) {
                JsonObject tags = TwinRules.merge(twin.tags(), tagsPatch);
                TwinRules.requireSize(tags, "tags", TwinRules.MAX_TAGS_BYTES);
                result = result.withTags(tags);
            }
            if (clearDesired && !twin.desired().isEmpty()) {
                JsonObject removal = changesTo(twin.desired(), new JsonObject());
                notification[0] = removal;
                result = result.withDesired(removal, new JsonObject(), now());
            }
            if (desiredPatch != null && !desiredPatch.isEmpty()) {
                JsonObject desired = TwinRules.merge(twin.desired(), desiredPatch);
                TwinRules.requireSize(desired, "properties.desired", TwinRules.MAX_PROPERTIES_BYTES);
                result = result.withDesired(desiredPatch, desired, now());
            }
            return result;
        }, notification);
    }

    public TwinDocument replace(String deviceId, TwinSections sections, String ifMatch) {
        return replace(IdentityId.device(deviceId), sections, ifMatch);
    }

    /** Replaces tags and desired properties with the given ones, absent meaning empty (IoT Hub's twin PUT). */
    public TwinDocument replace(IdentityId owner, TwinSections sections, String ifMatch) {
        JsonObject tagsGiven = ruleChecked(sections.tags(), "tags");
        JsonObject desiredGiven = ruleChecked(sections.desired(), "properties.desired");
        JsonObject tags = TwinRules.withoutNulls(tagsGiven == null ? new JsonObject() : tagsGiven);
        JsonObject desired = TwinRules.withoutNulls(desiredGiven == null ? new JsonObject() : desiredGiven);
        TwinRules.requireSize(tags, "tags", TwinRules.MAX_TAGS_BYTES);
        TwinRules.requireSize(desired, "properties.desired", TwinRules.MAX_PROPERTIES_BYTES);
        JsonObject[] notification = new JsonObject[1];
        return change(owner, ifMatch, twin -> {
            TwinDocument result = twin.tags().equals(tags) ? twin : twin.withTags(tags);
            if (!twin.desired().equals(desired)) {
                notification[0] = changesTo(twin.desired(), desired);
                // Replacing writes every property: each one's metadata says now.
                result = result.withDesired(desired, desired, now());
            }
            return result;
        }, notification);
    }

    /** A device's reported-properties patch; returns the twin with the new reported {@code $version}. */
    public TwinDocument updateReported(String deviceId, JsonElement patch) {
        return updateReported(deviceId, patch, null);
    }

    /**
     * A device's reported-properties patch made on top of reported {@code $version} {@code baseVersion}: refused
     * with 412 if the reported properties have changed since (as IoT Hub does); null applies it whatever the version.
     */
    public TwinDocument updateReported(String deviceId, JsonElement patch, Long baseVersion) {
        return updateReported(IdentityId.device(deviceId), patch, baseVersion);
    }

    /** As {@link #updateReported(String, JsonElement, Long)}, for a device or a module. */
    public TwinDocument updateReported(IdentityId owner, JsonElement patch, Long baseVersion) {
        JsonObject reportedPatch = ruleChecked(() -> TwinRules.patch(patch, "properties.reported"));
        return change(owner, null, null, twin -> {
            if (baseVersion != null && baseVersion != twin.reportedVersion()) {
                throw IotHubErrors.preconditionFailed("the reported properties of " + owner + " are at $version "
                        + twin.reportedVersion() + ", not " + baseVersion + "; read the twin again and retry.");
            }
            JsonObject reported = TwinRules.merge(twin.reported(), reportedPatch);
            TwinRules.requireSize(reported, "properties.reported", TwinRules.MAX_PROPERTIES_BYTES);
            return twin.withReported(reportedPatch, reported, now());
        });
    }

    private TwinDocument change(IdentityId owner, String ifMatch, JsonObject desiredPatch,
                                UnaryOperator<TwinDocument> change) {
        return change(owner, ifMatch, change, new JsonObject[] {desiredPatch});
    }

    private TwinDocument change(IdentityId owner, String ifMatch, UnaryOperator<TwinDocument> change,
                                JsonObject[] desiredPatch) {
        requireValidIds(owner);
        String expected = ETags.unquote(ifMatch);
        changeOrder.lock();
        try {
            TwinDocument[] before = new TwinDocument[1];
            TwinDocument after = ruleChecked(() -> store.update(owner, twin -> {
                if (expected != null && !"*".equals(expected) && !expected.equals(twin.etag())) {
                    throw IotHubErrors.preconditionFailed("the twin of " + owner + " has changed since ETag "
                            + expected + " (it is now " + twin.etag() + "); read it again and retry.");
                }
                before[0] = twin;
                return change.apply(twin);
            }));
            if (desiredPatch[0] != null && after.desiredVersion() != before[0].desiredVersion()) {
                listener.desiredPropertiesChanged(owner, desiredPatch[0], after.desiredVersion());
            }
            return after;
        } catch (DeviceNotFoundException e) {
            throw IotHubErrors.deviceNotFound(owner.deviceId());
        } catch (ModuleNotFoundException e) {
            throw IotHubErrors.moduleNotFound(owner.deviceId(), owner.moduleId());
        } finally {
            changeOrder.unlock();
        }
    }

    private static void requireValidIds(IdentityId owner) {
        RegistryService.requireValidId(owner.deviceId());
        if (owner.isModule()) {
            RegistryService.requireValidId(owner.moduleId());
        }
    }

    /** The patch that takes {@code before} to {@code after}: every value of after, and null for each name it lacks. */
    private static JsonObject changesTo(JsonObject before, JsonObject after) {
        JsonObject patch = after.deepCopy();
        for (Map.Entry<String, JsonElement> old : before.entrySet()) {
            if (!after.has(old.getKey())) {
                patch.add(old.getKey(), JsonNull.INSTANCE);
            }
        }
        return patch;
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    /** A section as a rule-checked object; null when absent or JSON null. */
    private static JsonObject ruleChecked(JsonElement section, String label) {
        if (section == null || section.isJsonNull()) {
            return null;
        }
        return ruleChecked(() -> TwinRules.patch(section, label));
    }

    private static <T> T ruleChecked(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (TwinRuleViolation e) {
            throw IotHubErrors.argumentInvalid(e.getMessage());
        }
    }
}
