package io.github.iothubquickstart.device;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import io.github.iothubquickstart.common.Telemetry;

/** Sends telemetry through the SDK; the SDK queues messages while it reconnects. */
final class DeviceClientTelemetrySink implements TelemetrySink {

    private final DeviceClient client;
    private final TelemetryMessageFactory messageFactory;

    DeviceClientTelemetrySink(DeviceClient client, TelemetryMessageFactory messageFactory) {
        this.client = client;
        this.messageFactory = messageFactory;
    }

    @Override
    public void send(Telemetry telemetry, AckListener listener) {
        client.sendEventAsync(messageFactory.create(telemetry), (message, exception, context) -> {
            IotHubStatusCode status = exception == null ? IotHubStatusCode.OK : exception.getStatusCode();
            listener.onAck(String.valueOf(status), exception);
        }, null);
    }
}
