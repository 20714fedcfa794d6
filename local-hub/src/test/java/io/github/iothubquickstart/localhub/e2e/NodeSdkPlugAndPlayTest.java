package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Node device SDK's model id ({@code setOptions({modelId})}: the MQTT user name's {@code &model-id=}, not
 * URL-encoded as the Java SDK's) reaches the twin as IoT Hub keeps it. Its AMQP transport announces none.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NodeSdkPlugAndPlayTest {
    private static final String THERMOSTAT = "dtmi:com:example:Thermostat;1";

    static NodeSdk node;
    @RegisterExtension
    static final TestHub hub = TestHub.builder().httpsOn443().build();

    @BeforeAll
    static void setUp() {
        node = NodeSdk.installed();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mqtt", "MqttWs"})
    void aNodeDevicesModelIdIsInItsTwin(String transport) throws Exception {
        String deviceId = hub.registerDevice("node-pnp-" + transport.toLowerCase());

        NodeSdk.Result result = node.run(hub.hub.caCertificateFile(), "pnp-device.js",
                hub.hub.deviceConnectionString(deviceId), Duration.ofSeconds(60), transport, THERMOSTAT);

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(hub.twinClient("service").get(deviceId).getModelId()).isEqualTo(THERMOSTAT);
    }
}
