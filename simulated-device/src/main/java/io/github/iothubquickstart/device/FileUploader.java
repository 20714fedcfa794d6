package io.github.iothubquickstart.device;

import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobClientBuilder;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.FileUploadCompletionNotification;
import com.microsoft.azure.sdk.iot.device.FileUploadSasUriRequest;
import com.microsoft.azure.sdk.iot.device.FileUploadSasUriResponse;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Uploads one file as Microsoft's Java file upload quickstart does: asks the hub for a SAS URI (over HTTPS, whatever
 * the device's protocol), writes the blob with the Azure Storage SDK's {@link BlobClient}, and tells the hub how it
 * went, which lets the hub notify back-ends. The blob client trusts what the device trusts (the local hub's CA).
 */
final class FileUploader {
    private final PrintStream out;

    FileUploader(PrintStream out) {
        this.out = out;
    }

    /** @return the blob's URI, without its SAS */
    URI upload(DeviceClient client, Path file, Optional<SSLContext> trust)
            throws IotHubClientException, URISyntaxException, java.io.UnsupportedEncodingException {
        FileUploadSasUriResponse sas = client.getFileUploadSasUri(
                new FileUploadSasUriRequest(file.getFileName().toString()));
        URI blobUri = sas.getBlobUri();
        BlobClientBuilder builder = new BlobClientBuilder().endpoint(blobUri.toString());
        trust.ifPresent(context -> builder.httpClient(trusting(context)));
        BlobClient blob = builder.buildClient();
        try {
            blob.uploadFromFile(file.toString(), true);
        } catch (RuntimeException e) {
            // The hub frees the upload's slot; storage's own message says what went wrong.
            client.completeFileUpload(new FileUploadCompletionNotification(sas.getCorrelationId(), false, 500,
                    String.valueOf(e.getMessage())));
            throw e;
        }
        client.completeFileUpload(new FileUploadCompletionNotification(sas.getCorrelationId(), true, 200,
                "Uploaded " + file.getFileName()));
        URI withoutSas = new URI(blobUri.getScheme(), blobUri.getRawAuthority(), blobUri.getPath(), null, null);
        out.println("Uploaded " + file + " to " + withoutSas);
        return withoutSas;
    }

    private static HttpClient trusting(SSLContext context) {
        JdkSslContext netty = new JdkSslContext(context, true, ClientAuth.NONE);
        return new NettyAsyncHttpClientBuilder(reactor.netty.http.client.HttpClient.create()
                .secure(spec -> spec.sslContext(netty))).build();
    }
}
