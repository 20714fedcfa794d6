package io.github.iothubquickstart.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.backend.BackEndApplication;
import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.device.DeviceApplication;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.junit.LocalIotHubExtension;
import io.github.iothubquickstart.localhub.provisioning.Attestation;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentSettings;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningStatus;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The quickstart with a provisioned device: an individual enrollment on the local hub's Device Provisioning Service,
 * the simulated device registers through it with the unmodified provisioning client (the variables Azure's samples
 * read, over MQTT; or {@code --provision} and its options, over AMQPS and HTTPS: the other provisioning transports are
 * the hub's own tests), prints the assigned hub and device id,
 * sends telemetry as that device, and the back-end's {@code --device-id <assigned id> --interval 3} changes its
 * interval (over HTTPS, which has no methods, telemetry only).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProvisionedQuickstartTest {
    static final String PRIMARY_KEY = "cHJvdmlzaW9uZWQtcXVpY2tzdGFydC1wcmltYXJ5LWtleQ==";
    static final String SECONDARY_KEY = "cHJvdmlzaW9uZWQtcXVpY2tzdGFydC1zZWNvbmRhcnkta2V5";

    @RegisterExtension
    static LocalIotHubExtension hub = LocalIotHubExtension.create();

    private static void enroll(String registrationId, ProvisioningStatus status) {
        hub.hub().provisioning().putIndividualEnrollment(registrationId, null,
                EnrollmentSettings.of(Attestation.symmetricKey(PRIMARY_KEY, SECONDARY_KEY)).withProvisioningStatus(status),
                "*");
    }

    private static Map<String, String> dataDirectory() {
        Map<String, String> variables = new HashMap<>();
        variables.put("LOCAL_IOTHUB_DATA_DIR", hub.hub().dataDirectory().toString());
        return variables;
    }

    @Test
    void theVariablesOfAzuresSamplesProvisionTheDeviceAndTheBackEndChangesItsInterval() throws Exception {
        enroll("provisioned-sensor-1", ProvisioningStatus.ENABLED);
        Map<String, String> variables = dataDirectory();
        variables.put("PROVISIONING_HOST", hub.hub().hostName());
        variables.put("PROVISIONING_IDSCOPE", hub.hub().idScope());
        variables.put("PROVISIONING_REGISTRATION_ID", "provisioned-sensor-1");
        variables.put("PROVISIONING_SYMMETRIC_KEY", PRIMARY_KEY);

        runAndChangeTheInterval(variables::get, "provisioned-sensor-1", "--protocol", "MQTT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"AMQPS"})
    void provisionWithOptionsOverTheDevicesProtocol(String protocol) throws Exception {
        String registrationId = "provisioned-" + protocol.toLowerCase();
        enroll(registrationId, ProvisioningStatus.ENABLED);
        LocalHub local = hub.hub();

        runAndChangeTheInterval(dataDirectory()::get, registrationId, "--provision",
                "--provisioning-host", local.hostName(), "--id-scope", local.idScope(),
                "--registration-id", registrationId, "--symmetric-key", PRIMARY_KEY, "--protocol", protocol);
    }

    @Test
    void provisionOverHttpsThenSendTelemetry() throws Exception {
        enroll("provisioned-https", ProvisioningStatus.ENABLED);
        ReceivedTelemetry telemetry = new ReceivedTelemetry();
        ConsoleCapture device = new ConsoleCapture();
        try (AutoCloseable subscription = hub.telemetry().subscribe(telemetry);
             DeviceApplication app = new DeviceApplication(dataDirectory()::get, device.out(), device.err(),
                     new Random(17), hub.hub().bindAddress())) {
            CompletableFuture<Integer> deviceExit = CompletableFuture.supplyAsync(() -> app.run("--provision",
                    "--provisioning-host", hub.hub().hostName(), "--id-scope", hub.hub().idScope(),
                    "--registration-id", "provisioned-https", "--symmetric-key", PRIMARY_KEY, "--protocol", "HTTPS",
                    "--interval", "1", "--count", "2"));

            assertThat(X509DeviceQuickstartTest.takeOrShow(telemetry, 2, device))
                    .extracting(TelemetryMessage::deviceId).containsOnly("provisioned-https");
            assertThat(deviceExit.get(20, TimeUnit.SECONDS)).as(device.toString()).isZero();
            assertThat(device.stdout()).contains("over HTTPS...")
                    .contains("Provisioned: assigned hub " + hub.hub().hostName() + ", device id provisioned-https");
        }
    }

    @Test
    void aWrongKeyIsRefusedWithWhatToCheck() {
        enroll("provisioned-sensor-3", ProvisioningStatus.ENABLED);

        ConsoleCapture device = runRefused("provisioned-sensor-3", SECONDARY_KEY.replace('k', 'K'));

        assertThat(device.stderr()).contains("Not authorized to connect");
    }

    @Test
    void aDisabledEnrollmentIsRefusedWithDpsErrorCode() {
        enroll("provisioned-sensor-4", ProvisioningStatus.DISABLED);

        ConsoleCapture device = runRefused("provisioned-sensor-4", PRIMARY_KEY);

        assertThat(device.stderr()).contains("(errorCode ").contains("disabled").contains("that the enrollment is enabled");
    }

    private static ConsoleCapture runRefused(String registrationId, String key) {
        ConsoleCapture device = new ConsoleCapture();
        try (DeviceApplication app = new DeviceApplication(dataDirectory()::get, device.out(), device.err(),
                new Random(3), hub.hub().bindAddress())) {
            int exit = app.run("--provision", "--provisioning-host", hub.hub().hostName(), "--id-scope",
                    hub.hub().idScope(), "--registration-id", registrationId, "--symmetric-key", key, "--count", "1");

            assertThat(exit).as(device.toString()).isEqualTo(1);
        }
        assertThat(device.stderr()).startsWith("error: the provisioning service at " + hub.hub().hostName()
                + " did not register " + registrationId + " (")
                .contains("check the ID scope, the registration ID and its symmetric key");
        assertThat(device.stderr().lines()).hasSize(1);
        assertThat(device.stdout()).doesNotContain("Provisioned:");
        assertThat(hub.hub().identity().registry().findDevice(registrationId)).isEmpty();
        return device;
    }

    private static void runAndChangeTheInterval(Environment environment, String deviceId, String... provisioning)
            throws Exception {
        String address = hub.hub().bindAddress();
        ReceivedTelemetry telemetry = new ReceivedTelemetry();
        ConsoleCapture device = new ConsoleCapture();
        try (AutoCloseable subscription = hub.telemetry().subscribe(telemetry);
             DeviceApplication app = new DeviceApplication(environment, device.out(), device.err(), new Random(13), address)) {
            String[] args = concat(provisioning, "--interval", "1", "--count", "5");
            CompletableFuture<Integer> deviceExit = CompletableFuture.supplyAsync(() -> app.run(args));

            List<TelemetryMessage> before = X509DeviceQuickstartTest.takeOrShow(telemetry, 2, device);
            assertThat(before).extracting(TelemetryMessage::deviceId).containsOnly(deviceId);
            assertThat(device.stdout()).contains("Provisioned: assigned hub " + hub.hub().hostName() + ", device id "
                    + deviceId);

            ConsoleCapture backEnd = new ConsoleCapture();
            assertThat(BackEndApplication.run(environment, backEnd.out(), backEnd.err(), address,
                    "--connection-string", hub.serviceConnectionString("service"), "--device-id", deviceId,
                    "--interval", "3")).as(backEnd.toString()).isZero();
            assertThat(backEnd.stdout()).contains(deviceId + " answered status 200");

            ReceivedTelemetry.assertGapsBetween(X509DeviceQuickstartTest.takeOrShow(telemetry, 3, device),
                    Duration.ofMillis(2_500), Duration.ofMillis(4_500), "gap between messages after the change");
            assertThat(deviceExit.get(20, TimeUnit.SECONDS)).as(device.toString()).isZero();
            assertThat(device.stdout()).contains("Stopped after 5 message(s).");
        }
    }

    private static String[] concat(String[] first, String... second) {
        String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
