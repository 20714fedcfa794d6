package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.DeviceConnectionSettings;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.localhubclient.LocalHubTrust;

/**
 * Reads a device connection string given by option or environment. One for a hub on this machine also trusts the
 * local hub's CA, so strings printed by {@code local-hub connection-string} work as they are; others use the
 * JVM's default trust, which is all Azure IoT Hub needs.
 */
final class DeviceConnectionStrings {
    private DeviceConnectionStrings() {
    }

    static DeviceConnectionSettings parse(String text, Environment environment) throws ConfigurationException {
        DeviceConnectionSettings settings = DeviceConnectionSettings.fromConnectionString(text);
        return LocalHubTrust.trustManagerForHost(settings.connectionString().connectHost(), environment::get)
                .map(trust -> DeviceConnectionSettings.of(settings.connectionString(), trust))
                .orElse(settings);
    }
}
