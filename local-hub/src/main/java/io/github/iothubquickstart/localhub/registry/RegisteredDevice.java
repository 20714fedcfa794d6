package io.github.iothubquickstart.localhub.registry;

/** A device as the registry API shows it: its identity and its connection state. */
public record RegisteredDevice(DeviceIdentity identity, DevicePresence.Presence presence) {
}
