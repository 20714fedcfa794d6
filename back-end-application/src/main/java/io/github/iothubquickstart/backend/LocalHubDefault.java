package io.github.iothubquickstart.backend;

import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.ConnectionSettingsResolver;
import io.github.iothubquickstart.common.LocalHubFallback;
import io.github.iothubquickstart.common.ServiceConnectionSettings;

/**
 * The back-end's last resort when no connection string is given. Placeholder until the local hub exists:
 * replace the body of {@link #settings()} to return the local hub's host:port, policy, key and CA.
 */
public final class LocalHubDefault implements LocalHubFallback<ServiceConnectionSettings> {

    @Override
    public ServiceConnectionSettings settings() throws ConfigurationException {
        throw new ConfigurationException(
                ConnectionSettingsResolver.noConnectionStringMessage(ConnectionSettingsResolver.SERVICE_VARIABLE));
    }
}
