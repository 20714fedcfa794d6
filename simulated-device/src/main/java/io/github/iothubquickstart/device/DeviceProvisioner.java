package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.DeviceConnectionSettings;
import java.util.Optional;

/** Registers the device through a Device Provisioning Service; a fake in CLI tests. */
interface DeviceProvisioner {

    /**
     * @return the assigned hub and device identity, ready to connect; empty when {@link #stop()} ended the attempt
     * @throws ProvisioningFailure one line: refused by the service, or the service could not be reached
     */
    Optional<DeviceConnectionSettings> provision(ProvisioningSettings settings, Protocol protocol)
            throws ProvisioningFailure;

    /** Ends a registration in progress (ENTER, Ctrl+C) and any that would start after. */
    void stop();

    /** Why a registration did not assign the device: a one-line message for the user. */
    final class ProvisioningFailure extends Exception {
        ProvisioningFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
