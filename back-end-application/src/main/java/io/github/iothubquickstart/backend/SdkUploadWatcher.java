package io.github.iothubquickstart.backend;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotification;
import com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotificationProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.FileUploadNotificationProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import io.github.iothubquickstart.common.ServiceConnectionSettings;
import io.github.iothubquickstart.common.ServiceConnectionString;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Watches with the service SDK's {@link FileUploadNotificationProcessorClient} over AMQPS, as Microsoft's Java file
 * upload quickstart's back-end does: each notification is printed, then completed (the hub forgets it).
 */
final class SdkUploadWatcher implements UploadWatcher {
    private final ServiceSasTokenFactory tokens;

    SdkUploadWatcher(ServiceSasTokenFactory tokens) {
        this.tokens = tokens;
    }

    @Override
    public Outcome watch(ServiceConnectionSettings settings, Integer count, PrintStream out) {
        CountDownLatch remaining = new CountDownLatch(count == null ? 1 : count);
        Function<FileUploadNotification, AcknowledgementType> print = notification -> {
            out.println(line(notification));
            if (count != null) {
                remaining.countDown();
            }
            return AcknowledgementType.COMPLETE;
        };
        FileUploadNotificationProcessorClient client = create(settings, print);
        try {
            client.start();
            out.println("Watching file uploads to " + settings.connectionString().hostName() + "; Ctrl+C to stop.");
            remaining.await();
            return new Outcome(ExitStatus.OK, "Completed " + count + " file upload notification(s).");
        } catch (IotHubException | IOException | TimeoutException | RuntimeException e) {
            return new Outcome(ExitStatus.HUB_UNREACHABLE, "error: cannot receive file upload notifications from "
                    + settings.connectionString().hostName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(ExitStatus.OK, "Stopped.");
        } finally {
            stop(client);
        }
    }

    private static void stop(FileUploadNotificationProcessorClient client) {
        try {
            client.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String line(FileUploadNotification notification) {
        return "File uploaded by " + notification.getDeviceId() + ": " + notification.getBlobName() + " ("
                + notification.getBlobSizeInBytes() + " bytes, written " + notification.getLastUpdatedTimeDate()
                .toInstant() + ") " + notification.getBlobUri();
    }

    private FileUploadNotificationProcessorClient create(ServiceConnectionSettings settings,
                                                         Function<FileUploadNotification, AcknowledgementType> print) {
        FileUploadNotificationProcessorClientOptions.FileUploadNotificationProcessorClientOptionsBuilder options =
                FileUploadNotificationProcessorClientOptions.builder();
        settings.sslContext().ifPresent(options::sslContext);
        ServiceConnectionString connectionString = settings.connectionString();
        if (connectionString.port().isPresent()) {
            // The local hub: its AMQPS port is IoT Hub's 5671 on the connection string's host.
            AzureSasCredential credential = new AzureSasCredential(
                    tokens.create(connectionString, ServiceSasTokenFactory.DEFAULT_VALIDITY));
            return new FileUploadNotificationProcessorClient(connectionString.hostName(), credential,
                    IotHubServiceClientProtocol.AMQPS, print, options.build());
        }
        return new FileUploadNotificationProcessorClient(connectionString.value(), IotHubServiceClientProtocol.AMQPS,
                print, options.build());
    }
}
