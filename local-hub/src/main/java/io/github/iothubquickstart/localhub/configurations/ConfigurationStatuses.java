package io.github.iothubquickstart.localhub.configurations;

import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.util.Map;

/**
 * What a twin shows as {@code configurations}: each configuration that targets the device (or module) and its
 * status.
 */
@FunctionalInterface
public interface ConfigurationStatuses {
    /** Configuration id to {@code targeted} or {@code applied}; empty when none targets the twin's owner. */
    Map<String, String> statusesOf(IdentityId owner);

    default Map<String, String> statusesOf(String deviceId) {
        return statusesOf(IdentityId.device(deviceId));
    }
}
