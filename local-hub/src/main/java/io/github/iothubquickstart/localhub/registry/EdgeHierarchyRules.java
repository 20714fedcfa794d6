package io.github.iothubquickstart.localhub.registry;

import io.github.iothubquickstart.localhub.errors.IotHubErrors;

/**
 * IoT Hub's rules for parent and child devices. An IoT Edge device's own scope is generated and cannot be set; its
 * parent, if any, is named in {@code parentScopes}. A leaf device names its parent in {@code deviceScope} (IoT Hub
 * copies it into {@code parentScopes}) or in {@code parentScopes}. A parent must be an IoT Edge device registered in
 * this hub, and a device has at most one.
 */
final class EdgeHierarchyRules {
    private final DeviceRegistry registry;

    EdgeHierarchyRules(DeviceRegistry registry) {
        this.registry = registry;
    }

    /**
     * The parent scope a request asks for, checked before anything is written: null for no parent.
     *
     * @throws io.github.iothubquickstart.localhub.errors.IotHubError 400004 when the scope names no IoT Edge device
     */
    String checkedParentScope(String deviceId, EdgeHierarchy requested) {
        String parent;
        if (requested.iotEdge()) {
            // An IoT Edge device's own deviceScope is generated; whatever the caller sent there is not a parent.
            parent = blankToNull(requested.parentScope());
        } else {
            String scope = blankToNull(requested.deviceScope());
            String parentScope = blankToNull(requested.parentScope());
            if (scope != null && parentScope != null && !scope.equals(parentScope)) {
                throw IotHubErrors.argumentInvalid("Device " + deviceId + " is not an IoT Edge device, so its"
                        + " deviceScope (" + scope + ") and parentScopes (" + parentScope + ") must both be its"
                        + " parent's scope.");
            }
            parent = scope != null ? scope : parentScope;
        }
        if (parent == null) {
            return null;
        }
        boolean parentExists = registry.listDevices().stream()
                .anyMatch(device -> !device.deviceId().equals(deviceId) && device.edge().iotEdge()
                        && parent.equals(device.edge().deviceScope()));
        if (!parentExists) {
            throw IotHubErrors.argumentInvalid("The parent scope " + parent + " of device " + deviceId
                    + " is not the deviceScope of an IoT Edge device in this hub: create the parent with"
                    + " capabilities.iotEdge true first and use its deviceScope (" + EdgeHierarchy.SCOPE_PREFIX
                    + "{id}-{generationId}).");
        }
        return parent;
    }

    /** What IoT Hub stores for a device once its parent is checked. */
    static EdgeHierarchy resolve(DeviceIdentity device, boolean iotEdge, String parentScope) {
        if (iotEdge) {
            return new EdgeHierarchy(true, EdgeHierarchy.scopeOf(device), parentScope);
        }
        return parentScope == null ? EdgeHierarchy.NONE : new EdgeHierarchy(false, parentScope, parentScope);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
