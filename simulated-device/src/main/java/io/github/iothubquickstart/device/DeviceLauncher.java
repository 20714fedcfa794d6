package io.github.iothubquickstart.device;

/** Runs the device once the command line is understood; a fake in CLI tests. */
@FunctionalInterface
public interface DeviceLauncher {

    /** @return the process exit status */
    int launch(DeviceConfig config);
}
