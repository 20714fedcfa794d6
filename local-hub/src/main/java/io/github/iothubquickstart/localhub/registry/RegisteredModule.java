package io.github.iothubquickstart.localhub.registry;

/** A module as the registry API shows it: its identity and its connection state. */
public record RegisteredModule(ModuleIdentity identity, DevicePresence.Presence presence) {
}
