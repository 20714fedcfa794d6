package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.ConnectionSettingsResolver;
import io.github.iothubquickstart.common.DeviceConnectionSettings;
import io.github.iothubquickstart.common.LocalHubFallback;

/**
 * The device's last resort when no connection string is given. Placeholder until the local hub exists:
 * replace the body of {@link #settings()} to return the local hub's connection string and CA.
 */
public final class LocalHubDefault implements LocalHubFallback<DeviceConnectionSettings> {

    @Override
    public DeviceConnectionSettings settings() throws ConfigurationException {
        throw new ConfigurationException(
                ConnectionSettingsResolver.noConnectionStringMessage(ConnectionSettingsResolver.DEVICE_VARIABLE));
    }
}
