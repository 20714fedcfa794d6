package io.github.iothubquickstart.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceCommandTest {

    static final String KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seQ==";
    static final String CONNECTION_STRING = "HostName=myhub.azure-devices.net;DeviceId=MyJavaDevice;SharedAccessKey=" + KEY;

    private final CommandHarness harness = new CommandHarness();
    private final Map<String, String> environment = harness.environment;
    private final AtomicReference<DeviceConfig> launched = harness.launched;

    private int run(String... args) {
        return harness.run(args);
    }

    private String stdout() {
        return harness.stdout();
    }

    private String stderr() {
        return harness.stderr();
    }

    @Test
    void helpListsEveryOptionTheEnvironmentVariableAndTheRange() {
        assertThat(run("--help")).isZero();

        assertThat(stdout()).contains("--interval", "--count", "--connection-string", "--protocol", "--help",
                "IOTHUB_DEVICE_CONNECTION_STRING", "1 to 3600", "MQTT, MQTT_WS, AMQPS, AMQPS_WS, HTTPS",
                "--provision", "--id-scope", "--registration-id", "--symmetric-key", "--provisioning-host",
                "PROVISIONING_IDSCOPE", "PROVISIONING_REGISTRATION_ID", "PROVISIONING_SYMMETRIC_KEY",
                "PROVISIONING_HOST", "global.azure-devices-provisioning.net", "--x509-cert", "--x509-key", "x509=true",
                "--model-id", "dtmi:com:example:Thermostat;1");
        assertThat(launched).hasNullValue();
    }

    @Test
    void defaultsAreOneSecondMqttUnlimited() {
        assertThat(run("--connection-string", CONNECTION_STRING)).isZero();

        DeviceConfig config = launched.get();
        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.protocol()).isEqualTo(Protocol.MQTT);
        assertThat(config.maxMessages()).isZero();
        assertThat(config.upload()).isNull();
        assertThat(config.connection().connectionString().deviceId()).isEqualTo("MyJavaDevice");
        assertThat(config.connection().sslContext()).isEmpty();
    }

    @Test
    void uploadNamesAFileTheDeviceUploadsInsteadOfSendingTelemetry(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("report.txt"), "hello");

        assertThat(run("--connection-string", CONNECTION_STRING, "--upload", file.toString())).isZero();
        assertThat(launched.get().upload()).isEqualTo(file);

        launched.set(null);
        assertThat(run("--connection-string", CONNECTION_STRING, "--upload", directory.resolve("none").toString()))
                .isEqualTo(2);
        assertThat(stderr()).contains("--upload needs a file to read");
        assertThat(launched).hasNullValue();
    }

    @Test
    void optionsAreApplied() {
        assertThat(run("--connection-string", CONNECTION_STRING, "--interval", "3600", "--count", "5",
                "--protocol", "amqps_ws")).isZero();

        DeviceConfig config = launched.get();
        assertThat(config.interval()).isEqualTo(Duration.ofHours(1));
        assertThat(config.maxMessages()).isEqualTo(5);
        assertThat(config.protocol()).isEqualTo(Protocol.AMQPS_WS);
    }

    @Test
    void aModelIdIsAnnouncedOnlyWhenGiven() {
        assertThat(run("--connection-string", CONNECTION_STRING)).isZero();
        assertThat(launched.get().modelId()).isNull();

        assertThat(run("--connection-string", CONNECTION_STRING, "--model-id", "dtmi:com:example:Thermostat;1"))
                .isZero();
        assertThat(launched.get().modelId()).isEqualTo("dtmi:com:example:Thermostat;1");
    }

    @Test
    void aModelIdThatIsNoDtmiOrOverHttpsIsBadInput() {
        assertThat(run("--connection-string", CONNECTION_STRING, "--model-id", "com:example:Thermostat")).isEqualTo(2);
        assertThat(stderr()).contains("--model-id", "not a DTMI", "dtmi:com:example:Thermostat;1");
        assertThat(launched).hasNullValue();

        assertThat(run("--connection-string", CONNECTION_STRING, "--model-id", "dtmi:com:example:Thermostat;1",
                "--protocol", "HTTPS")).isEqualTo(2);
        assertThat(stderr()).contains("--model-id needs MQTT");
        assertThat(launched).hasNullValue();
    }

    @Test
    void readsTheConnectionStringFromTheEnvironment() {
        environment.put("IOTHUB_DEVICE_CONNECTION_STRING", CONNECTION_STRING);

        assertThat(run()).isZero();

        assertThat(launched.get().connection().connectionString().hostName()).isEqualTo("myhub.azure-devices.net");
    }

    @Test
    void withoutAConnectionStringTheLocalHubsRefusalIsOneLineOfBadInput() {
        assertThat(run()).isEqualTo(2);

        assertThat(stderr()).isEqualTo("error: no local hub in this test" + System.lineSeparator());
        assertThat(launched).hasNullValue();
    }

    @Test
    void malformedConnectionStringNamesTheField() {
        assertThat(run("--connection-string", "HostName=myhub.azure-devices.net;SharedAccessKey=" + KEY)).isEqualTo(2);

        assertThat(stderr()).startsWith("error: bad connection string from --connection-string: "
                + "the connection string is missing DeviceId");
        assertThat(stderr().lines()).hasSize(1);
    }

    @Test
    void intervalOutsideTheRangeIsBadInput() {
        assertThat(run("--connection-string", CONNECTION_STRING, "--interval", "0")).isEqualTo(2);
        assertThat(stderr()).contains("--interval must be from 1 to 3600 seconds, got 0");

        harness.resetOutput();
        assertThat(run("--connection-string", CONNECTION_STRING, "--interval", "3601")).isEqualTo(2);
        assertThat(stderr()).contains("got 3601");
        assertThat(launched).hasNullValue();
    }

    @Test
    void countMustBePositive() {
        assertThat(run("--connection-string", CONNECTION_STRING, "--count", "0")).isEqualTo(2);

        assertThat(stderr()).contains("--count must be at least 1");
    }

    @Test
    void unknownProtocolIsBadInputOnOneLine() {
        assertThat(run("--protocol", "COAP")).isEqualTo(2);

        assertThat(stderr()).contains("--protocol").contains("(see --help)");
        assertThat(stderr().lines()).hasSize(1);
    }
}
