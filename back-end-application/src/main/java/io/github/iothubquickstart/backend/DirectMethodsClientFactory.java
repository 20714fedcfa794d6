package io.github.iothubquickstart.backend;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClientOptions;
import io.github.iothubquickstart.common.ServiceConnectionSettings;
import io.github.iothubquickstart.common.ServiceConnectionString;
import javax.net.ssl.HttpsURLConnection;

/**
 * Creates the service SDK client. The SDK accepts a port only through the host-name-plus-credential
 * constructor (its connection string parser rejects {@code host:port}), so a host with a port gets a SAS
 * token made here.
 */
final class DirectMethodsClientFactory {

    private final ServiceSasTokenFactory tokenFactory;

    DirectMethodsClientFactory(ServiceSasTokenFactory tokenFactory) {
        this.tokenFactory = tokenFactory;
    }

    DirectMethodsClient create(ServiceConnectionSettings settings, DirectMethodsClientOptions options) {
        // The service SDK opens HttpsURLConnections with the JVM default factory; this is how a custom CA gets in.
        settings.sslContext().ifPresent(ctx -> HttpsURLConnection.setDefaultSSLSocketFactory(ctx.getSocketFactory()));
        ServiceConnectionString connectionString = settings.connectionString();
        if (connectionString.port().isPresent()) {
            // A one-hour token covers a CLI call; AzureSasCredential.update() would refresh a long-lived client.
            AzureSasCredential credential = new AzureSasCredential(
                    tokenFactory.create(connectionString, ServiceSasTokenFactory.DEFAULT_VALIDITY));
            return new DirectMethodsClient(connectionString.hostNameWithPort(), credential, options);
        }
        return new DirectMethodsClient(connectionString.value(), options);
    }
}
