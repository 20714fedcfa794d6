package io.github.iothubquickstart.backend;

import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.common.ServiceConnectionSettings;
import io.github.iothubquickstart.localhubclient.LocalHubTrust;

/**
 * Reads a service connection string given by option or environment. One for a hub on this machine also trusts the
 * local hub's CA; others use the JVM's default trust, which is all Azure IoT Hub needs.
 */
final class ServiceConnectionStrings {
    private ServiceConnectionStrings() {
    }

    static ServiceConnectionSettings parse(String text, Environment environment) throws ConfigurationException {
        ServiceConnectionSettings settings = ServiceConnectionSettings.fromConnectionString(text);
        return LocalHubTrust.forHost(settings.connectionString().hostName(), environment::get)
                .map(trust -> ServiceConnectionSettings.of(settings.connectionString(), trust))
                .orElse(settings);
    }
}
