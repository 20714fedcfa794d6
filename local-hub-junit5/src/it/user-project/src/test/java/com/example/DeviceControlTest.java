package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinConnectionState;
import io.github.iothubquickstart.localhub.junit.LocalIotHubExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeviceControlTest {
    // One hub for this class, on a loopback address of its own; stopped and deleted after the class.
    @RegisterExtension
    static LocalIotHubExtension hub = LocalIotHubExtension.create();

    @Test
    void deviceAnswersARebootAndShowsInItsTwin() throws Exception {
        // "dev-1" is registered on first use; the options trust the hub's own CA.
        DeviceClient device = new DeviceClient(hub.deviceConnectionString("dev-1"), IotHubClientProtocol.MQTT,
                hub.deviceClientOptions());
        try {
            device.open(false);
            device.subscribeToMethods((method, payload, context) ->
                    new com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse(200, "rebooting"), null);

            DirectMethodResponse response = hub.directMethodsClient().invoke("dev-1", "reboot",
                    DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(10).build());

            assertEquals(200, response.getStatus());
            assertEquals("rebooting", response.getPayload(String.class));
            Twin twin = hub.twinClient().get("dev-1");
            assertEquals(TwinConnectionState.CONNECTED.toString(), twin.getConnectionState());
        } finally {
            device.close();
        }
    }
}
