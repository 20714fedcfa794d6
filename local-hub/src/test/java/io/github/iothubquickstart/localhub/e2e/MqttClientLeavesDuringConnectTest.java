package io.github.iothubquickstart.localhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.provisioning.Attestation;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentSettings;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * MQTT clients that send CONNECT and leave while the hub answers it off the event loop (a DPS client's
 * authentication, a device's model id being stored): nothing is left connected, and nothing lands in the log as an
 * unhandled error. Twenty of each, since the client must win a race against a worker thread.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MqttClientLeavesDuringConnectTest {
    private static final int CLIENTS = 20;
    private static final String DPS_KEY = "bGVhdmVyLWVucm9sbG1lbnQta2V5LTAxMjM0NTY3ODk=";
    private static final String MODEL = "dtmi:com:example:Thermostat;1";

    @RegisterExtension
    static final TestHub hub = TestHub.builder().build();

    @Test
    void aDeviceThatLeavesWhileItsModelIdIsStoredIsNotLeftConnected() throws Exception {
        List<String> leavers = new ArrayList<>();
        String log = HubLogCapture.during(() -> {
            for (int i = 0; i < CLIENTS; i++) {
                DeviceIdentity device = hub.hub.identity().registry().createDevice("leaver-" + i);
                String userName = hub.hub.hostName() + "/" + device.deviceId()
                        + "/?api-version=2021-04-12&model-id=" + MODEL;
                String token = SasSigner.sign(device.primaryKey(), hub.hub.hostName() + "/devices/" + device.deviceId(),
                        Instant.now().plusSeconds(600).getEpochSecond(), null);
                connectAndLeave(MqttFuzzTest.connectPacket(device.deviceId(), userName, token));
                leavers.add(device.deviceId());
            }
            TestHub.awaitThat(() -> leavers.stream().noneMatch(hub.hub::isDeviceConnected), Duration.ofSeconds(10),
                    "no device that left is still connected");
        });

        assertThat(log).doesNotContain("Unhandled exception");
    }

    @Test
    void aDpsClientThatLeavesWhileItIsAuthenticatedIsNoErrorInTheLog() throws Exception {
        String log = HubLogCapture.during(() -> {
            for (int i = 0; i < CLIENTS; i++) {
                String registrationId = "dps-leaver-" + i;
                hub.hub.provisioning().putIndividualEnrollment(registrationId, null,
                        EnrollmentSettings.of(Attestation.symmetricKey(DPS_KEY, null)), null);
                String scope = hub.hub.idScope();
                String token = SasSigner.sign(DPS_KEY, scope + "/registrations/" + registrationId,
                        Instant.now().plusSeconds(600).getEpochSecond(), "registration");
                connectAndLeave(MqttFuzzTest.connectPacket(registrationId, scope + "/registrations/" + registrationId
                        + "/api-version=2019-03-31&ClientVersion=2019-03-31", token));
            }
            Thread.sleep(1_000);
        });

        assertThat(log).doesNotContain("Unhandled exception");
    }

    /** Sends the CONNECT and closes at once, before any CONNACK. */
    private static void connectAndLeave(byte[] connect) throws Exception {
        SSLContext trust = TrustedCa.trustingOnly(hub.hub.caCertificateFile());
        try (SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket(hub.hub.bindAddress(),
                hub.hub.mqttPort())) {
            socket.startHandshake();
            socket.getOutputStream().write(connect);
            socket.getOutputStream().flush();
        } catch (IOException closedByTheHub) {
            // fine: the hub may answer and close first
        }
    }
}
