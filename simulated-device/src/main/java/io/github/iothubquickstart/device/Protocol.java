package io.github.iothubquickstart.device;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;

/**
 * The transports offered on the command line. Over HTTPS IoT Hub offers devices telemetry and cloud-to-device
 * messages only: no direct methods, no device twin.
 */
public enum Protocol {
    MQTT(IotHubClientProtocol.MQTT),
    MQTT_WS(IotHubClientProtocol.MQTT_WS),
    AMQPS(IotHubClientProtocol.AMQPS),
    AMQPS_WS(IotHubClientProtocol.AMQPS_WS),
    HTTPS(IotHubClientProtocol.HTTPS);

    private final IotHubClientProtocol sdkProtocol;

    Protocol(IotHubClientProtocol sdkProtocol) {
        this.sdkProtocol = sdkProtocol;
    }

    public IotHubClientProtocol sdkProtocol() {
        return sdkProtocol;
    }

    /** Whether IoT Hub serves direct methods and the device twin on this transport (all but HTTPS). */
    public boolean offersMethodsAndTwin() {
        return this != HTTPS;
    }
}
