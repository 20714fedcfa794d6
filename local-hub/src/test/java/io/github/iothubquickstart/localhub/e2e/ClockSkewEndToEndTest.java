package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubConnectionString;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.SasTokenProvider;
import com.microsoft.azure.sdk.iot.device.auth.IotHubSasToken;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.NoRetry;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A device whose clock is an hour off, with the unmodified device SDK over MQTT and AMQPS: its tokens come from a
 * {@link SasTokenProvider} that signs them by that clock, with the SDK's own token class and its default time to
 * live of an hour. A clock an hour and ten minutes behind signs tokens that expired ten minutes ago: the SDK's
 * {@code open} fails with its own authentication error (UNAUTHORIZED), and over AMQP the hub's answer says when the
 * token expired and what the hub's time is. A clock an hour ahead signs tokens that expire in two hours: accepted,
 * as IoT Hub accepts them, and the device sends telemetry and answers a method.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClockSkewEndToEndTest {
    /** The Azure device SDK's default SAS time to live. */
    private static final Duration TOKEN_TIME_TO_LIVE = Duration.ofHours(1);

    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void aDeviceClockBehindSignsExpiredTokensTheSdkReportsAsUnauthorized(IotHubClientProtocol protocol) throws Exception {
        String deviceId = hub.registerDevice(TestHub.idFor("clock-behind", protocol));
        Set<Long> signedExpiries = ConcurrentHashMap.newKeySet();
        DeviceClient device = deviceWithClockOff(deviceId, Duration.ofMinutes(-70), protocol, signedExpiries);
        device.setRetryPolicy(new NoRetry());

        IotHubClientException refused = catchThrowableOfType(() -> device.open(false), IotHubClientException.class);

        assertThat(refused).as("open() with a token that expired 10 minutes ago").isNotNull();
        assertThat(refused.getStatusCode()).isEqualTo(IotHubStatusCode.UNAUTHORIZED);
        if (protocol == IotHubClientProtocol.AMQPS) {
            // MQTT has only CONNACK 5 to say it with; AMQP's $cbs answer carries a description, which the SDK keeps.
            String reported = causes(refused);
            assertThat(reported).as("what the SDK reports").contains("ExpiredToken").contains("the hub's time");
            Matcher expiry = Pattern.compile("Expiration time: '([^']+)'").matcher(reported);
            assertThat(expiry.find()).as("an expiration time in %s", reported).isTrue();
            assertThat(signedExpiries).as("the expiry of a token the device signed")
                    .contains(Instant.parse(expiry.group(1)).getEpochSecond());
        }
        assertThat(hub.hub.isDeviceConnected(deviceId)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void aDeviceClockAheadSignsTokensWithAFarExpiryThatAreAccepted(IotHubClientProtocol protocol) throws Exception {
        String deviceId = hub.registerDevice(TestHub.idFor("clock-ahead", protocol));
        DeviceClient device = deviceWithClockOff(deviceId, Duration.ofHours(1), protocol, ConcurrentHashMap.newKeySet());
        List<TelemetryMessage> stored = new CopyOnWriteArrayList<>();
        try (AutoCloseable subscription = hub.hub.telemetry().subscribe(stored::add)) {
            device.open(false);
            device.subscribeToMethods((name, payload, context) -> new DirectMethodResponse(200, Map.of("ok", true)), null);
            device.sendEvent(new Message("from a clock an hour ahead"));

            assertThat(hub.methodsClient("service").invoke(deviceId, "ping", DirectMethodRequestOptions.builder()
                    .methodResponseTimeoutSeconds(30).build()).getStatus()).isEqualTo(200);
            assertThat(stored).filteredOn(message -> message.deviceId().equals(deviceId))
                    .extracting(message -> new String(message.body(), StandardCharsets.UTF_8))
                    .containsExactly("from a clock an hour ahead");
        } finally {
            device.close();
        }
    }

    /**
     * A device client whose {@link SasTokenProvider} reads a clock {@code skew} off the real one and signs with the
     * SDK's own {@link IotHubSasToken}, for the SDK's default time to live; the expiry of each token it signs goes in
     * {@code signedExpiries}.
     */
    private static DeviceClient deviceWithClockOff(String deviceId, Duration skew, IotHubClientProtocol protocol,
                                                   Set<Long> signedExpiries) {
        IotHubConnectionString connectionString = new IotHubConnectionString(hub.hub.deviceConnectionString(deviceId));
        SasTokenProvider tokens = () -> {
            long expiry = Instant.now().plus(skew).plus(TOKEN_TIME_TO_LIVE).getEpochSecond();
            signedExpiries.add(expiry);
            return new IotHubSasToken(connectionString.getHostName(), deviceId, connectionString.getSharedAccessKey(),
                    null, null, expiry).toString().toCharArray();
        };
        return new DeviceClient(hub.hub.hostName(), deviceId, tokens, protocol,
                ClientOptions.builder().sslContext(hub.trustHubCa).build());
    }

    private static String causes(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            text.append(cause).append('\n');
        }
        return text.toString();
    }
}
