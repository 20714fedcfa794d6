package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One device cannot answer, and so cannot forge the result of, a method call made to another device. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IsolationTest {
    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();
    static RawMqttDevices devices;

    @BeforeAll
    static void setUp() {
        devices = new RawMqttDevices(hub.hub);
    }

    @AfterAll
    static void tearDown() throws Exception {
        devices.close();
    }

    @Test
    void anAnswerWithAnotherDevicesRequestIdIsIgnored() throws Exception {
        MqttClient victim = devices.connect(devices.device("victim"));
        MqttClient attacker = devices.connect(devices.device("attacker"));
        CompletableFuture<String> victimRequestId = new CompletableFuture<>();
        victim.publishHandler(request -> victimRequestId.complete(
                request.topicName().substring(request.topicName().indexOf("$rid=") + 5)));
        victim.subscribe("$iothub/methods/POST/#", 0).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<DirectMethodResponse> call = caller.submit(() -> hub.methodsClient("service").invoke("victim", "unlock",
                    DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(20).methodConnectTimeoutSeconds(0).build()));
            String requestId = victimRequestId.get(10, TimeUnit.SECONDS);

            attacker.publish("$iothub/methods/res/200/?$rid=" + requestId, Buffer.buffer("{\"from\":\"attacker\"}"),
                    MqttQoS.AT_LEAST_ONCE, false, false).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            Thread.sleep(300);
            assertThat(call.isDone()).as("the attacker's answer did not end the victim's call").isFalse();
            victim.publish("$iothub/methods/res/202/?$rid=" + requestId, Buffer.buffer("{\"from\":\"victim\"}"),
                    MqttQoS.AT_LEAST_ONCE, false, false);

            DirectMethodResponse response = call.get(10, TimeUnit.SECONDS);
            assertThat(response.getStatus()).isEqualTo(202);
            assertThat(response.getPayloadAsJsonString()).isEqualTo("{\"from\":\"victim\"}");
        } finally {
            caller.shutdownNow();
        }
    }
}
