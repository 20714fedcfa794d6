package io.github.iothubquickstart.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.github.iothubquickstart.common.ConfigurationException;
import io.github.iothubquickstart.common.ConnectionSettingsResolver;
import io.github.iothubquickstart.common.ServiceConnectionSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BackEndCommandTest {

    static final String KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seQ==";
    static final String CONNECTION_STRING =
            "HostName=myhub.azure-devices.net;SharedAccessKeyName=service;SharedAccessKey=" + KEY;

    private final ByteArrayOutputStream outBuffer = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBuffer = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBuffer, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBuffer, true, StandardCharsets.UTF_8);
    private final Map<String, String> environment = new HashMap<>();
    private final AtomicReference<MethodCall> called = new AtomicReference<>();
    private final AtomicReference<ServiceConnectionSettings> usedSettings = new AtomicReference<>();
    private final AtomicReference<TwinRequest> twinRequested = new AtomicReference<>();
    private final AtomicReference<TelemetrySource> readFrom = new AtomicReference<>();
    private final AtomicReference<String> readRequest = new AtomicReference<>();
    private final AtomicReference<Integer> watchedUploads = new AtomicReference<>();
    private Outcome answer = new Outcome(ExitStatus.OK, "Device MyJavaDevice answered status 200: {}");

    private int run(String... args) {
        ConnectionSettingsResolver<ServiceConnectionSettings> resolver =
                ConnectionSettingsResolver.forService(environment::get, () -> {
                    throw new ConfigurationException("no local hub in this test");
                });
        MethodCaller caller = (settings, call) -> {
            usedSettings.set(settings);
            called.set(call);
            return answer;
        };
        TwinCaller twinCaller = (settings, request) -> {
            usedSettings.set(settings);
            twinRequested.set(request);
            return new Outcome(ExitStatus.OK, "Device " + request.deviceId() + " twin: Connected");
        };
        ConnectionSettingsResolver<TelemetrySource> telemetryResolver = new ConnectionSettingsResolver<>(
                TelemetrySource.ENVIRONMENT_VARIABLE, environment::get,
                text -> TelemetrySource.parse(text, environment::get), () -> {
                    throw new ConfigurationException("no local hub in this test");
                });
        UploadWatcher watcher = (settings, count, printer) -> {
            usedSettings.set(settings);
            watchedUploads.set(count == null ? -1 : count);
            return new Outcome(ExitStatus.OK, "Completed " + count + " file upload notification(s).");
        };
        TelemetryReader reader = (source, fromStart, count, printer) -> {
            readFrom.set(source);
            readRequest.set(fromStart + "/" + count);
            return new Outcome(ExitStatus.OK, "Read " + count + " telemetry messages.");
        };
        BackEndCommand command = new BackEndCommand(resolver, new JsonPayloadParser(), caller, twinCaller,
                telemetryResolver, reader, watcher, out, err);
        return BackEndCli.commandLine(command, out, err).execute(args);
    }

    private String stdout() {
        return outBuffer.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return errBuffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsOptionsEnvironmentVariableAndExitStatuses() {
        assertThat(run("--help")).isZero();

        assertThat(stdout()).contains("--device-id", "--method", "--payload", "--interval", "--response-timeout",
                "--connect-timeout", "--connection-string", "--help", "IOTHUB_CONNECTION_STRING",
                "3  the device is registered but not connected", "7  cannot reach the hub");
        assertThat(called).hasNullValue();
    }

    @Test
    void defaultsCallSetTelemetryIntervalWithTenOnMyJavaDevice() {
        assertThat(run("--connection-string", CONNECTION_STRING)).isZero();

        MethodCall call = called.get();
        assertThat(call.deviceId()).isEqualTo("MyJavaDevice");
        assertThat(call.methodName()).isEqualTo("SetTelemetryInterval");
        assertThat(call.payload()).isEqualTo(JsonParser.parseString("10"));
        assertThat(call.responseTimeoutSeconds()).isEqualTo(30);
        assertThat(call.connectTimeoutSeconds()).isEqualTo(5);
        assertThat(stdout()).isEqualTo("Device MyJavaDevice answered status 200: {}" + System.lineSeparator());
    }

    @Test
    void intervalIsAShorthandForANumericPayload() {
        environment.put("IOTHUB_CONNECTION_STRING", CONNECTION_STRING);

        assertThat(run("--interval", "3")).isZero();

        assertThat(called.get().payload().getAsJsonPrimitive().isNumber()).isTrue();
        assertThat(called.get().payload().getAsInt()).isEqualTo(3);
        assertThat(usedSettings.get().connectionString().hostName()).isEqualTo("myhub.azure-devices.net");
    }

    @Test
    void payloadAndOtherOptionsArePassedThrough() {
        assertThat(run("--connection-string", CONNECTION_STRING, "--device-id", "dev2", "--method", "Reboot",
                "--payload", "{\"delay\":5}", "--response-timeout", "300", "--connect-timeout", "0")).isZero();

        MethodCall call = called.get();
        assertThat(call.deviceId()).isEqualTo("dev2");
        assertThat(call.methodName()).isEqualTo("Reboot");
        assertThat(call.payload()).isEqualTo(JsonParser.parseString("{\"delay\":5}"));
        assertThat(call.responseTimeoutSeconds()).isEqualTo(300);
        assertThat(call.connectTimeoutSeconds()).isZero();
    }

    @Test
    void intervalAndPayloadAreMutuallyExclusive() {
        assertThat(run("--connection-string", CONNECTION_STRING, "--interval", "3", "--payload", "5")).isEqualTo(2);

        assertThat(stderr()).startsWith("error: --payload=JSON, --interval=SECONDS are mutually exclusive");
        assertThat(stderr().lines()).hasSize(1);
        assertThat(called).hasNullValue();
    }

    @Test
    void badJsonPayloadIsBadInputOnOneLine() {
        assertThat(run("--connection-string", CONNECTION_STRING, "--payload", "{bad")).isEqualTo(2);

        assertThat(stderr()).startsWith("error: --payload is not valid JSON (error at line 1 column 3): {bad")
                .doesNotContain("setStrictness");
        assertThat(stderr().lines()).hasSize(1);
        assertThat(called).hasNullValue();
    }

    @Test
    void rangesAreChecked() {
        assertThat(run("--connection-string", CONNECTION_STRING, "--response-timeout", "4")).isEqualTo(2);
        assertThat(run("--connection-string", CONNECTION_STRING, "--response-timeout", "301")).isEqualTo(2);
        assertThat(run("--connection-string", CONNECTION_STRING, "--connect-timeout", "-1")).isEqualTo(2);
        assertThat(run("--connection-string", CONNECTION_STRING, "--connect-timeout", "301")).isEqualTo(2);
        assertThat(run("--connection-string", CONNECTION_STRING, "--interval", "0")).isEqualTo(2);
        assertThat(run("--connection-string", CONNECTION_STRING, "--interval", "3601")).isEqualTo(2);

        assertThat(stderr()).contains("--response-timeout must be from 5 to 300, got 4",
                "--connect-timeout must be from 0 to 300, got 301", "--interval must be from 1 to 3600, got 3601");
        assertThat(called).hasNullValue();
    }

    @Test
    void withoutAConnectionStringTheLocalHubsRefusalIsOneLineOfBadInput() {
        assertThat(run()).isEqualTo(2);

        assertThat(stderr()).isEqualTo("error: no local hub in this test" + System.lineSeparator());
    }

    @Test
    void deviceConnectionStringGivenToTheBackEndIsNamed() {
        assertThat(run("--connection-string",
                "HostName=myhub.azure-devices.net;DeviceId=MyJavaDevice;SharedAccessKey=" + KEY)).isEqualTo(2);

        assertThat(stderr()).contains("missing SharedAccessKeyName");
    }

    @Test
    void failuresGoToStderrWithTheirStatus() {
        answer = new Outcome(ExitStatus.DEVICE_OFFLINE, "error: device MyJavaDevice is not connected");

        assertThat(run("--connection-string", CONNECTION_STRING)).isEqualTo(3);

        assertThat(stderr()).isEqualTo("error: device MyJavaDevice is not connected" + System.lineSeparator());
        assertThat(stdout()).isEmpty();
    }

    @Test
    void unknownOptionIsBadInput() {
        assertThat(run("--frobnicate")).isEqualTo(2);

        assertThat(stderr()).contains("--frobnicate").contains("(see --help)");
    }

    @Test
    void twinOptionsWorkOnTheTwinAndInvokeNoMethod() {
        environment.put("IOTHUB_CONNECTION_STRING", CONNECTION_STRING);

        assertThat(run("--desired-interval", "5", "--show-twin", "--device-id", "dev7")).isZero();

        assertThat(twinRequested.get()).isEqualTo(new TwinRequest("dev7", 5, true));
        assertThat(called.get()).isNull();
        assertThat(stdout()).contains("Device dev7 twin: Connected");
    }

    @Test
    void showTwinAloneSetsNothing() {
        environment.put("IOTHUB_CONNECTION_STRING", CONNECTION_STRING);

        assertThat(run("--show-twin")).isZero();

        assertThat(twinRequested.get()).isEqualTo(new TwinRequest("MyJavaDevice", null, true));
    }

    @Test
    void desiredIntervalOutOfRangeOrWithMethodOptionsIsBadInput() {
        environment.put("IOTHUB_CONNECTION_STRING", CONNECTION_STRING);

        assertThat(run("--desired-interval", "0")).isEqualTo(2);
        assertThat(stderr()).contains("--desired-interval must be from 1 to 3600, got 0");
        assertThat(run("--desired-interval", "5", "--interval", "3")).isEqualTo(2);
        assertThat(run("--show-twin", "--method", "Reboot")).isEqualTo(2);
        assertThat(stderr()).contains("leave out --method, --payload and --interval");
        assertThat(twinRequested.get()).isNull();
        assertThat(called.get()).isNull();
    }

    static final String EVENT_HUBS = "Endpoint=sb://ihsuprodxx.servicebus.windows.net/;SharedAccessKeyName=service;"
            + "SharedAccessKey=" + KEY + ";EntityPath=myhub";

    @Test
    void readTelemetryTakesTheEventHubsConnectionStringFromTheEnvironmentAndReadsWhatTheOptionsSay() {
        environment.put(TelemetrySource.ENVIRONMENT_VARIABLE, EVENT_HUBS);

        assertThat(run("--read-telemetry", "--from-start", "--count", "3")).isZero();

        assertThat(readFrom.get().connectionString()).isEqualTo(EVENT_HUBS);
        assertThat(readFrom.get().trust()).as("Azure: the JVM's own trust").isEmpty();
        assertThat(readRequest.get()).isEqualTo("true/3");
        assertThat(called.get()).isNull();
    }

    @Test
    void readTelemetryRefusesAnIotHubConnectionStringAndMethodOptionsInOneLine() {
        assertThat(run("--read-telemetry", "--connection-string", CONNECTION_STRING)).isEqualTo(2);
        assertThat(stderr()).contains("Endpoint=sb://").contains("Built-in endpoints");

        assertThat(run("--read-telemetry", "--interval", "3", "--connection-string", EVENT_HUBS)).isEqualTo(2);
        assertThat(run("--count", "3")).isEqualTo(2);
        assertThat(run("--read-telemetry", "--count", "0", "--connection-string", EVENT_HUBS)).isEqualTo(2);
        assertThat(readFrom.get()).isNull();
    }

    @Test
    void watchUploadsUsesTheServiceConnectionStringAndStopsAfterCountNotifications() {
        assertThat(run("--watch-uploads", "--count", "2", "--connection-string", CONNECTION_STRING)).isZero();

        assertThat(watchedUploads.get()).isEqualTo(2);
        assertThat(usedSettings.get().connectionString().value()).isEqualTo(CONNECTION_STRING);
        assertThat(called.get()).isNull();

        assertThat(run("--watch-uploads", "--connection-string", CONNECTION_STRING)).isZero();
        assertThat(watchedUploads.get()).as("until stopped").isEqualTo(-1);
    }

    @Test
    void watchUploadsRefusesMethodOptions() {
        assertThat(run("--watch-uploads", "--device-id", "x", "--connection-string", CONNECTION_STRING)).isEqualTo(2);
        assertThat(run("--watch-uploads", "--count", "0", "--connection-string", CONNECTION_STRING)).isEqualTo(2);
        assertThat(run("--watch-uploads", "--from-start", "--connection-string", CONNECTION_STRING)).isEqualTo(2);
        assertThat(watchedUploads.get()).isNull();
    }
}
