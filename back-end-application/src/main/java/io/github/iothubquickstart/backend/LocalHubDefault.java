package io.github.iothubquickstart.backend;

import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.common.LocalHubFallback;
import io.github.iothubquickstart.common.LocalHubNotRunningException;
import io.github.iothubquickstart.common.ServiceConnectionSettings;
import io.github.iothubquickstart.common.ServiceConnectionString;
import io.github.iothubquickstart.localhubclient.CaTrust;
import io.github.iothubquickstart.localhubclient.LocalHubClientException;
import io.github.iothubquickstart.localhubclient.LocalHubDataDirectory;
import io.github.iothubquickstart.localhubclient.LocalHubDefaults;
import io.github.iothubquickstart.localhubclient.LocalHubFinder;
import io.github.iothubquickstart.localhubclient.PolicyKey;
import io.github.iothubquickstart.localhubclient.RunningHub;
import java.nio.file.Path;

/**
 * With no connection string, the back-end calls the local hub running on the data directory, with the
 * {@code service} policy and CA that hub published there. It never starts a hub: the device does that.
 */
public final class LocalHubDefault implements LocalHubFallback<ServiceConnectionSettings> {
    static final int PORT = LocalHubDefaults.HTTPS_PORT;

    private final Environment environment;
    private final String host;

    /** @param host where a hub is expected when none is published: 127.0.0.1 for users, another address in tests */
    public LocalHubDefault(Environment environment, String host) {
        this.environment = environment;
        this.host = host;
    }

    @Override
    public ServiceConnectionSettings settings() throws ConfigurationException {
        Path dataDirectory = LocalHubDataDirectory.resolve(null, environment::get);
        try {
            RunningHub hub = LocalHubFinder.find(dataDirectory, host, PORT).orElseThrow(() ->
                    new LocalHubNotRunningException("no connection string given and no local hub is running on "
                            + host + ":" + PORT + ": start the simulated device first (it starts one), or "
                            + "java -jar local-hub/target/local-hub.jar, or pass --connection-string"));
            PolicyKey policy = hub.servicePolicy();
            return ServiceConnectionSettings.of(ServiceConnectionString.of(hub.serviceHost(), policy.name(), policy.key()),
                    CaTrust.trustingSystemAnd(hub.caCertificateFile(dataDirectory)));
        } catch (LocalHubClientException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }
}
