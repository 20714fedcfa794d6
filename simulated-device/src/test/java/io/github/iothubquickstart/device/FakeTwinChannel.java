package io.github.iothubquickstart.device;

import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.twin.DesiredPropertiesCallback;
import com.microsoft.azure.sdk.iot.device.twin.GetTwinCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hub as the device sees it through the SDK: it answers every twin request at once, except the answers it is told
 * to lose, as the device SDK 2.5.0 sometimes does (docs/sdk-twin-race.md).
 */
final class FakeTwinChannel implements TwinChannel {
    final List<Object> reportedValues = new CopyOnWriteArrayList<>();
    private final TwinCollection desired = new TwinCollection();
    private int twinRequests;
    private int answersToLoseForGet;
    private int answersToLoseForReports;
    private int reportedVersion = 1;

    FakeTwinChannel(Map<String, Object> desiredProperties) {
        desiredProperties.forEach(desired::put);
        desired.setVersion(1);
    }

    synchronized void loseGetAnswers(int count) {
        answersToLoseForGet = count;
    }

    synchronized void loseReportAnswers(int count) {
        answersToLoseForReports = count;
    }

    synchronized int twinRequests() {
        return twinRequests;
    }

    @Override
    public void subscribeToDesiredProperties(DesiredPropertiesCallback callback) {
    }

    @Override
    public void getTwin(GetTwinCallback callback) {
        synchronized (this) {
            twinRequests++;
            if (answersToLoseForGet > 0) {
                answersToLoseForGet--;
                return;
            }
        }
        callback.onTwinReceived(new Twin(new TwinCollection(desired), new TwinCollection()), null, null);
    }

    @Override
    public void updateReportedProperties(TwinCollection reported, ReportedPropertiesCallback callback) {
        int version;
        synchronized (this) {
            reportedValues.add(reported.get(DesiredInterval.PROPERTY));
            version = ++reportedVersion;
            if (answersToLoseForReports > 0) {
                answersToLoseForReports--;
                return;
            }
        }
        callback.onReportedPropertiesUpdateAcknowledged(IotHubStatusCode.OK,
                new ReportedPropertiesUpdateResponse(version), null, null);
    }
}
