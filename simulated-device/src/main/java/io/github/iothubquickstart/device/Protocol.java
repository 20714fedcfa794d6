package io.github.iothubquickstart.device;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;

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

    /** The provisioning SDK's transport of the same name: the device registers over the transport it then uses. */
    public ProvisioningDeviceClientTransportProtocol provisioningProtocol() {
        return ProvisioningDeviceClientTransportProtocol.valueOf(name());
    }

    /** Whether IoT Hub serves direct methods and the device twin on this transport (all but HTTPS). */
    public boolean offersMethodsAndTwin() {
        return this != HTTPS;
    }
}
