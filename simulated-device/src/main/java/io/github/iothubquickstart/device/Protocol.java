package io.github.iothubquickstart.device;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;

/** The transports offered on the command line (HTTPS is left out: it cannot receive direct methods). */
public enum Protocol {
    MQTT(IotHubClientProtocol.MQTT),
    MQTT_WS(IotHubClientProtocol.MQTT_WS),
    AMQPS(IotHubClientProtocol.AMQPS),
    AMQPS_WS(IotHubClientProtocol.AMQPS_WS);

    private final IotHubClientProtocol sdkProtocol;

    Protocol(IotHubClientProtocol sdkProtocol) {
        this.sdkProtocol = sdkProtocol;
    }

    public IotHubClientProtocol sdkProtocol() {
        return sdkProtocol;
    }
}
