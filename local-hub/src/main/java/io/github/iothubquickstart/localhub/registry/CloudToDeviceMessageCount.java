package io.github.iothubquickstart.localhub.registry;

/**
 * What the registry shows as a device's {@code cloudToDeviceMessageCount}: the cloud-to-device messages queued for it
 * and not yet completed, rejected or expired, the one the device holds included. The cloud-to-device feature knows.
 */
public interface CloudToDeviceMessageCount {

    int of(DeviceIdentity device);

    /** For processes without a running hub, such as the CLI working on the data directory. */
    static CloudToDeviceMessageCount none() {
        return device -> 0;
    }
}
