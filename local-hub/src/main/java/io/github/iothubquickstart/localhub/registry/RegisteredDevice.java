package io.github.iothubquickstart.localhub.registry;

/**
 * A device as the registry API shows it: its identity, its connection state and how many cloud-to-device messages are
 * queued for it.
 */
public record RegisteredDevice(DeviceIdentity identity, DevicePresence.Presence presence, int cloudToDeviceMessageCount) {
}
