package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The service SDK's clients with an {@link AzureSasCredential} as IoT Hub's own suite drives them
 * ({@code MessagingClientTests#messagingClientTokenRenewalWithAzureSasCredential}): an expired token fails
 * {@code open()} at once with {@link IotHubUnauthorizedException} on AMQPS and AMQPS_WS, and a client whose credential
 * is updated before its token expires keeps working past that expiry, over AMQP (the SDK puts the credential's new
 * token on $cbs at 85 % of the old one's life) and over HTTPS (each request carries the credential's current token).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServiceTokenRenewalTest {
    /** How long each token lives: a few seconds, so that the tests outlive several of them. */
    private static final int TOKEN_SECONDS = 4;

    @RegisterExtension
    static final TestHub hub = TestHub.builder().webSockets().build();
    static final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor();

    @AfterAll
    static void tearDown() {
        renewer.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubServiceClientProtocol.class, names = {"AMQPS", "AMQPS_WS"})
    void anExpiredTokenFailsOpenAtOnceAndARenewedOneOpensAgain(IotHubServiceClientProtocol protocol) throws Exception {
        String deviceId = hub.registerDevice("expired-" + protocol.name().toLowerCase().replace('_', '-'));
        String valid = serviceToken(3600);
        AzureSasCredential credential = new AzureSasCredential(valid);
        MessagingClient client = new MessagingClient(hub.hub.hostName(), credential, protocol,
                MessagingClientOptions.builder().sslContext(hub.trustHubCa).build());
        client.open();
        client.send(deviceId, new Message("before"));
        // As the SDK suite's SasTokenTools.makeSasTokenExpired: se=0, the signature left as it was.
        credential.update(valid.replaceFirst("se=\\d+", "se=0"));
        client.close();

        long started = System.nanoTime();
        assertThatThrownBy(() -> client.open(30_000)).isInstanceOf(IotHubUnauthorizedException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("time until open() failed")
                .isLessThan(Duration.ofSeconds(5));

        credential.update(serviceToken(3600));
        client.open();
        client.send(deviceId, new Message("after"));
        client.close();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubServiceClientProtocol.class, names = {"AMQPS", "AMQPS_WS"})
    void amqpClientsWhoseCredentialIsRenewedKeepWorkingPastTheFirstExpiry(IotHubServiceClientProtocol protocol)
            throws Exception {
        String deviceId = hub.registerDevice("renewed-" + protocol.name().toLowerCase().replace('_', '-'));
        AzureSasCredential credential = new AzureSasCredential(serviceToken(TOKEN_SECONDS));
        // What a user's token source does: a fresh token well before the current one expires.
        var renewal = renewer.scheduleAtFixedRate(() -> credential.update(serviceToken(TOKEN_SECONDS)), 1, 1,
                TimeUnit.SECONDS);
        BlockingQueue<FeedbackRecord> feedback = new LinkedBlockingQueue<>();
        MessagingClient messaging = new MessagingClient(hub.hub.hostName(), credential, protocol,
                MessagingClientOptions.builder().sslContext(hub.trustHubCa).build());
        MessageFeedbackProcessorClient feedbackClient = new MessageFeedbackProcessorClient(hub.hub.hostName(),
                credential, protocol, batch -> {
                    feedback.addAll(batch.getRecords());
                    return AcknowledgementType.COMPLETE;
                }, MessageFeedbackProcessorClientOptions.builder().sslContext(hub.trustHubCa).build());
        DeviceClient device = hub.device(deviceId, IotHubClientProtocol.MQTT);
        try {
            messaging.open();
            feedbackClient.start();
            device.setMessageCallback((message, context) -> IotHubMessageResult.COMPLETE, null);
            device.open(false);

            // Past two lifetimes of the first token: only renewals on $cbs keep the links open.
            TimeUnit.MILLISECONDS.sleep(TOKEN_SECONDS * 2_500L);

            assertThat(messaging.isOpen()).as("the messaging client is still open").isTrue();
            Message message = new Message("after renewal".getBytes(StandardCharsets.UTF_8));
            message.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
            messaging.send(deviceId, message);
            FeedbackRecord record = feedback.poll(15, TimeUnit.SECONDS);
            assertThat(record).as("feedback through the renewed feedback client").isNotNull();
            assertThat(record.getOriginalMessageId()).isEqualTo(message.getMessageId());
        } finally {
            renewal.cancel(false);
            device.close();
            feedbackClient.stop();
            messaging.close();
        }
    }

    @Test
    void httpsClientsSendTheCredentialsCurrentTokenWithEachRequest() throws Exception {
        String deviceId = hub.registerDevice("renewed-https");
        AzureSasCredential credential = new AzureSasCredential(serviceToken(TOKEN_SECONDS));
        RegistryClient registry = new RegistryClient(hub.hub.serviceHost(), credential);
        TwinClient twins = new TwinClient(hub.hub.serviceHost(), credential);
        DirectMethodsClient methods = new DirectMethodsClient(hub.hub.serviceHost(), credential);
        assertThat(registry.getDevice(deviceId).getDeviceId()).isEqualTo(deviceId);

        TimeUnit.MILLISECONDS.sleep(TOKEN_SECONDS * 1_000L + 1_100);
        assertThatThrownBy(() -> registry.getDevice(deviceId)).as("the first token has expired")
                .isInstanceOf(IotHubUnauthorizedException.class);

        credential.update(serviceToken(TOKEN_SECONDS));
        assertThat(registry.getDevice(deviceId).getDeviceId()).isEqualTo(deviceId);
        assertThat(twins.get(deviceId).getDeviceId()).isEqualTo(deviceId);
        // Authorized: the device is offline, which IoT Hub reports as 404 (not 401).
        assertThatThrownBy(() -> methods.invoke(deviceId, "reboot"))
                .isNotInstanceOf(IotHubUnauthorizedException.class);
    }

    /** A token of the {@code iothubowner} policy (every right) valid for {@code seconds} from now. */
    private static String serviceToken(int seconds) {
        var policy = hub.hub.identity().registry().findPolicy("iothubowner").orElseThrow();
        return SasSigner.sign(policy.primaryKey(), hub.hub.hostName(),
                Instant.now().plusSeconds(seconds).getEpochSecond(), policy.name());
    }
}
