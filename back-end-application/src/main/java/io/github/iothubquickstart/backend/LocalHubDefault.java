package io.github.iothubquickstart.backend;

import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.common.LocalHubFallback;
import io.github.iothubquickstart.common.LocalHubNotRunningException;
import io.github.iothubquickstart.common.ServiceConnectionSettings;
import io.github.iothubquickstart.common.ServiceConnectionString;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.client.LocalHubProbe;
import io.github.iothubquickstart.localhub.data.DataDirectory;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.data.NoHubDataException;
import io.github.iothubquickstart.localhub.storage.StorageException;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.tls.CertificateStoreException;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.nio.file.Path;

/**
 * With no connection string, the back-end calls the local hub on 127.0.0.1:8443 with its {@code service} policy,
 * read from the hub's data directory, and trusts the hub's CA. It never starts a hub: the device does that.
 */
public final class LocalHubDefault implements LocalHubFallback<ServiceConnectionSettings> {
    static final int PORT = LocalHub.DEFAULT_HTTPS_PORT;
    static final String POLICY = "service";

    private final Environment environment;
    private final String host;

    /** @param host the loopback address of the local hub: 127.0.0.1 for users, another one in tests */
    public LocalHubDefault(Environment environment, String host) {
        this.environment = environment;
        this.host = host;
    }

    @Override
    public ServiceConnectionSettings settings() throws ConfigurationException {
        if (!LocalHubProbe.isListening(host, PORT)) {
            throw new LocalHubNotRunningException("no connection string given and no local hub is running on "
                    + host + ":" + PORT + ": start the simulated device first (it starts one), or "
                    + "java -jar local-hub/target/local-hub.jar, or pass --connection-string");
        }
        Path dataDirectory = DataDirectory.resolve(null, environment::get);
        try (HubIdentity identity = HubIdentity.openExisting(dataDirectory)) {
            SharedAccessPolicy policy = identity.registry().findPolicy(POLICY).orElseThrow(() ->
                    new ConfigurationException("the local hub in " + dataDirectory + " has no '" + POLICY + "' policy"));
            return ServiceConnectionSettings.of(
                    ServiceConnectionString.of(host + ":" + PORT, policy.name(), policy.primaryKey()),
                    TrustedCa.trustingSystemAnd(identity.certificates().caCertificateFile()));
        } catch (NoHubDataException e) {
            throw new ConfigurationException(e.getMessage() + " (if your local hub uses another data directory, set "
                    + DataDirectory.ENVIRONMENT_VARIABLE + ")");
        } catch (StorageException | CertificateStoreException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }
}
