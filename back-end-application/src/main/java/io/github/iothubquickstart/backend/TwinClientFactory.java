package io.github.iothubquickstart.backend;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClientOptions;
import io.github.iothubquickstart.common.ServiceConnectionSettings;
import io.github.iothubquickstart.common.ServiceConnectionString;
import javax.net.ssl.HttpsURLConnection;

/** Creates the service SDK's TwinClient the same way {@link DirectMethodsClientFactory} creates its client. */
final class TwinClientFactory {

    private final ServiceSasTokenFactory tokenFactory;

    TwinClientFactory(ServiceSasTokenFactory tokenFactory) {
        this.tokenFactory = tokenFactory;
    }

    TwinClient create(ServiceConnectionSettings settings, TwinClientOptions options) {
        settings.sslContext().ifPresent(ctx -> HttpsURLConnection.setDefaultSSLSocketFactory(ctx.getSocketFactory()));
        ServiceConnectionString connectionString = settings.connectionString();
        if (connectionString.port().isPresent()) {
            AzureSasCredential credential = new AzureSasCredential(
                    tokenFactory.create(connectionString, ServiceSasTokenFactory.DEFAULT_VALIDITY));
            return new TwinClient(connectionString.hostNameWithPort(), credential, options);
        }
        return new TwinClient(connectionString.value(), options);
    }
}
