package io.github.iothubquickstart.localhub.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * What {@link ParallelClassOneTest} and {@link ParallelClassTwoTest} both do, at the same time: each registers a
 * device of the same id in its own hub plus one of its own, then checks that its hub answers with its own device
 * and knows nothing of the other class's. The barrier makes them meet, so it also fails if they do not run in
 * parallel.
 */
final class ParallelClasses {
    private static final CyclicBarrier BOTH_RUNNING = new CyclicBarrier(2);

    private ParallelClasses() {
    }

    static void checkIsolation(LocalIotHubExtension hub, String self, String other) throws Exception {
        DeviceClient shared = hub.deviceClient("same-id-in-both");
        shared.open(false);
        shared.subscribeToMethods((name, payload, context) -> new DirectMethodResponse(200, self), null);
        hub.deviceConnectionString("only-in-" + self);

        BOTH_RUNNING.await(90, TimeUnit.SECONDS);
        try {
            var answer = hub.directMethodsClient().invoke("same-id-in-both", "whoAreYou",
                    DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(10).build());
            assertThat(answer.getPayload(String.class)).isEqualTo(self);
            assertThat(hub.registryClient().getDevice("only-in-" + self).getDeviceId()).isEqualTo("only-in-" + self);
            assertThatThrownBy(() -> hub.registryClient().getDevice("only-in-" + other))
                    .isInstanceOf(IotHubNotFoundException.class);
        } finally {
            // Neither hub stops before both made their calls: two hubs, each with its own CA, trusted at once.
            BOTH_RUNNING.await(90, TimeUnit.SECONDS);
        }
    }
}
