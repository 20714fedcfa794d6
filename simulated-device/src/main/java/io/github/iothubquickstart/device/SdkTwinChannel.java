package io.github.iothubquickstart.device;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.DesiredPropertiesCallback;
import com.microsoft.azure.sdk.iot.device.twin.GetTwinCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesCallback;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;

/** The twin requests through the device SDK's client. */
final class SdkTwinChannel implements TwinChannel {
    private final DeviceClient client;

    SdkTwinChannel(DeviceClient client) {
        this.client = client;
    }

    @Override
    public void subscribeToDesiredProperties(DesiredPropertiesCallback callback)
            throws IotHubClientException, InterruptedException {
        client.subscribeToDesiredProperties(callback, null);
    }

    @Override
    public void getTwin(GetTwinCallback callback) {
        client.getTwinAsync(callback, null);
    }

    @Override
    public void updateReportedProperties(TwinCollection reported, ReportedPropertiesCallback callback) {
        client.updateReportedPropertiesAsync(reported, callback, null);
    }
}
