package io.github.iothubquickstart.device;

import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.DesiredPropertiesCallback;
import com.microsoft.azure.sdk.iot.device.twin.GetTwinCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesCallback;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;

/** The twin requests the device makes: through the SDK's client in the app, through a fake in unit tests. */
interface TwinChannel {
    /** Blocks until the hub acknowledged the subscription (bounded by the SDK's 60 s default). */
    void subscribeToDesiredProperties(DesiredPropertiesCallback callback)
            throws IotHubClientException, InterruptedException;

    /** Asks for the full twin; the answer, if one comes, goes to {@code callback}. */
    void getTwin(GetTwinCallback callback);

    /** Patches the reported properties; the answer, if one comes, goes to {@code callback}. */
    void updateReportedProperties(TwinCollection reported, ReportedPropertiesCallback callback);
}
