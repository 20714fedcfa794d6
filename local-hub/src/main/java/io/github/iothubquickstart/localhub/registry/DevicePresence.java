package io.github.iothubquickstart.localhub.registry;

import java.time.Instant;

/**
 * What the registry needs to know of live connections: whether a device is connected, since when, when it was last
 * active, and a way to drop its connection (a disabled or deleted device may not stay connected).
 */
public interface DevicePresence {

    /** IoT Hub's "never": what it reports for a time that has not happened yet. */
    Instant NEVER = Instant.parse("0001-01-01T00:00:00Z");

    /** Connection state of one device; times are {@link #NEVER} when unknown. */
    record Presence(boolean connected, Instant connectionStateUpdated, Instant lastActivity) {
        public static final Presence UNKNOWN = new Presence(false, NEVER, NEVER);
    }

    Presence presence(String deviceId);

    /** Drops the device's connection, if it has one. */
    void disconnect(String deviceId);

    /** Connection state of a device or a module; modules are never connected where presence knows only devices. */
    default Presence presence(IdentityId identity) {
        return identity.isModule() ? Presence.UNKNOWN : presence(identity.deviceId());
    }

    /** Drops the connection of a device or a module, if it has one. */
    default void disconnect(IdentityId identity) {
        if (!identity.isModule()) {
            disconnect(identity.deviceId());
        }
    }

    /** Drops the connections of every module of the device (deleted or disabled with it). */
    default void disconnectModulesOf(String deviceId) {
        // no module connections where presence knows only devices
    }

    /** For processes without a running hub, such as the CLI working on the data directory. */
    static DevicePresence none() {
        return new DevicePresence() {
            @Override
            public Presence presence(String deviceId) {
                return Presence.UNKNOWN;
            }

            @Override
            public void disconnect(String deviceId) {
                // no connections in this process
            }
        };
    }
}
