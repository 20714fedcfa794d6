package io.github.iothubquickstart.localhub.registry;

import io.github.iothubquickstart.localhub.errors.IotHubError;

/** Why one entry of a bulk registry operation was not applied: a device, or a module ({@code moduleId} not null). */
public record BulkDeviceError(String deviceId, String moduleId, IotHubError error) {
}
