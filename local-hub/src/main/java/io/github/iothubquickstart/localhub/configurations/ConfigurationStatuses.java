package io.github.iothubquickstart.localhub.configurations;

import java.util.Map;

/** What a twin shows as {@code configurations}: each configuration that targets the device and its status. */
@FunctionalInterface
public interface ConfigurationStatuses {
    /** Configuration id to {@code targeted} or {@code applied}; empty when none targets the device. */
    Map<String, String> statusesOf(String deviceId);
}
