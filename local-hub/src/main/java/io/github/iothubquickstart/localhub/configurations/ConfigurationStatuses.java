package io.github.iothubquickstart.localhub.configurations;

import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a twin shows as {@code configurations}: each configuration that targets the device (or module) and its
 * status.
 */
public interface ConfigurationStatuses {
    /** Configuration id to {@code targeted} or {@code applied}; empty when none targets the twin's owner. */
    Map<String, String> statusesOf(IdentityId owner);

    default Map<String, String> statusesOf(String deviceId) {
        return statusesOf(IdentityId.device(deviceId));
    }

    /**
     * The twin {@code read} gives, with its owner's statuses as of the same moment: a twin that holds a
     * configuration's desired properties never comes with the statuses from before that configuration was applied,
     * nor the other way round.
     */
    default <T> WithStatuses<T> readWithStatuses(IdentityId owner, Supplier<T> read) {
        T twin = read.get();
        return new WithStatuses<>(twin, statusesOf(owner));
    }

    record WithStatuses<T>(T twin, Map<String, String> statuses) {
    }
}
