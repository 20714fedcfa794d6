package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malformed service requests get a clear IoT Hub error, and after every one of them a well-behaved device is still
 * served: the hub stays up and nobody else notices.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {
    private static final String CANARY = "canary";

    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static RawMqttDevices devices;
    static HttpClient http;
    static String serviceToken;

    @BeforeAll
    static void setUp() throws Exception {
        devices = new RawMqttDevices(hub.hub);
        hub.connectedDevice(hub.registerDevice(CANARY), (name, payload, context) ->
                new DirectMethodResponse(200, Map.of("alive", true)));
        http = HttpClient.newBuilder().sslContext(hub.trustHubCa).connectTimeout(Duration.ofSeconds(5)).build();
        SharedAccessPolicy service = hub.hub.identity().registry().findPolicy("service").orElseThrow();
        serviceToken = SasSigner.sign(service.primaryKey(), hub.address(), Instant.now().plusSeconds(3600).getEpochSecond(), "service");
    }

    @AfterAll
    static void tearDown() throws Exception {
        devices.close();
    }

    @AfterEach
    void canaryIsStillServed() throws Exception {
        var answer = hub.methodsClient("service").invoke(CANARY, "ping",
                DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(10).methodConnectTimeoutSeconds(5).build());
        assertThat(answer.getStatus()).isEqualTo(200);
    }

    static Stream<Arguments> badRequests() {
        String big = "x".repeat(128 * 1024);
        return Stream.of(
                Arguments.of("body is not JSON", "/twins/canary/methods?api-version=2021-04-12", "hello", 400, 400006),
                Arguments.of("body is a JSON array", "/twins/canary/methods?api-version=2021-04-12", "[1]", 400, 400006),
                Arguments.of("empty body", "/twins/canary/methods?api-version=2021-04-12", "", 400, 400006),
                Arguments.of("method name with a slash", "/twins/canary/methods?api-version=2021-04-12",
                        "{\"methodName\":\"a/b\"}", 400, 400004),
                Arguments.of("method name with a control character", "/twins/canary/methods?api-version=2021-04-12",
                        "{\"methodName\":\"a\\u0000b\"}", 400, 400004),
                Arguments.of("response timeout out of range", "/twins/canary/methods?api-version=2021-04-12",
                        "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":100000}", 400, 400004),
                Arguments.of("payload over 128 KB", "/twins/canary/methods?api-version=2021-04-12",
                        "{\"methodName\":\"m\",\"payload\":\"" + big + "\"}", 400, 400004),
                Arguments.of("body over the hub's limit", "/twins/canary/methods?api-version=2021-04-12",
                        "{\"methodName\":\"m\",\"payload\":\"" + big.repeat(5) + "\"}", 413, 413001),
                Arguments.of("device id with a space", "/twins/a%20b/methods?api-version=2021-04-12",
                        "{\"methodName\":\"m\"}", 400, 400004),
                Arguments.of("device id too long", "/twins/" + "d".repeat(129) + "/methods?api-version=2021-04-12",
                        "{\"methodName\":\"m\"}", 400, 400004),
                Arguments.of("no api-version", "/twins/canary/methods", "{\"methodName\":\"m\"}", 400, 400001),
                Arguments.of("unknown api-version", "/twins/canary/methods?api-version=latest", "{\"methodName\":\"m\"}", 400, 400001),
                Arguments.of("query body is not JSON", "/devices/query?api-version=2021-04-12",
                        "SELECT * FROM devices", 400, 400006),
                Arguments.of("query body without a query", "/devices/query?api-version=2021-04-12",
                        "{\"sql\":\"SELECT * FROM devices\"}", 400, 400004),
                Arguments.of("query in another language", "/devices/query?api-version=2021-04-12",
                        "{\"query\":\"DROP TABLE devices\"}", 400, 400004),
                Arguments.of("unsupported API", "/jobs/v2/query?api-version=2021-04-12", "{}", 501, 501));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestsGetIotHubErrors(String what, String path, String body, int status, int errorCode) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("https://" + hub.hub.serviceHost() + path))
                .header("Authorization", serviceToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JsonParser.parseString(response.body()).getAsJsonObject().get("errorCode").getAsInt()).isEqualTo(errorCode);
    }

    @ParameterizedTest
    @ValueSource(strings = {"many", "0", "-1"})
    void aQueryPageSizeThatIsNotAPositiveNumberIsRefused(String pageSize) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("https://" + hub.hub.serviceHost()
                        + "/devices/query?api-version=2021-04-12"))
                .header("Authorization", serviceToken)
                .header("x-ms-max-item-count", pageSize)
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"SELECT * FROM devices\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("x-ms-max-item-count");
    }

    @Test
    void oversizedHeadersAreRefused() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("https://" + hub.hub.serviceHost()
                        + "/twins/canary/methods?api-version=2021-04-12"))
                .header("Authorization", serviceToken)
                .header("X-Padding", "p".repeat(20_000))
                .POST(HttpRequest.BodyPublishers.ofString("{\"methodName\":\"m\"}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(431);
    }

    @Test
    void anAnswerThatIsNotJsonReachesTheCallerAsText() throws Exception {
        MqttClient device = devices.connect(devices.device("sloppy"));
        device.publishHandler(request -> {
            String requestId = request.topicName().substring(request.topicName().indexOf("$rid=") + 5);
            device.publish("$iothub/methods/res/200/?$rid=" + requestId, Buffer.buffer("not json at all"),
                    MqttQoS.AT_LEAST_ONCE, false, false);
        });
        device.subscribe("$iothub/methods/POST/#", 0).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

        var answer = hub.methodsClient("service").invoke("sloppy", "m",
                DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(10).methodConnectTimeoutSeconds(0).build());

        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.getPayloadAsJsonElement().getAsString()).isEqualTo("not json at all");
        device.disconnect();
    }

    @Test
    void telemetryOverThe256KbLimitClosesOnlyThatConnection() throws Exception {
        MqttClient device = devices.connect(devices.device("flooder"));
        CompletableFuture<Void> closed = new CompletableFuture<>();
        device.closeHandler(ignored -> closed.complete(null));

        device.publish("devices/flooder/messages/events/", Buffer.buffer(new byte[300 * 1024]), MqttQoS.AT_LEAST_ONCE,
                false, false);

        closed.get(10, TimeUnit.SECONDS);
    }
}
