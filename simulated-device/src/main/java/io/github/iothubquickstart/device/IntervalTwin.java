package io.github.iothubquickstart.device;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The device's twin, through the SDK: it follows the desired {@code telemetryInterval} (now and on every change)
 * and reports the interval in effect on start and after every change, whoever made it.
 */
final class IntervalTwin {
    private final DeviceClient client;
    private final TelemetrySchedule schedule;
    private final DesiredInterval desired;
    private final PrintStream out;

    IntervalTwin(DeviceClient client, TelemetrySchedule schedule, PrintStream out) {
        this.client = client;
        this.schedule = schedule;
        this.desired = new DesiredInterval(schedule, out);
        this.out = out;
    }

    /** Subscribes to desired changes, applies the current desired interval, and reports the interval in effect. */
    void start() throws IotHubClientException, InterruptedException {
        client.subscribeToDesiredProperties((twin, context) -> desired.apply(twin.getDesiredProperties(),
                twin.getDesiredProperties().getVersion()), null);
        schedule.onIntervalChanged(this::report);
        Twin twin = client.getTwin();
        Duration before = schedule.interval();
        desired.apply(twin.getDesiredProperties(), twin.getDesiredProperties().getVersion());
        if (schedule.interval().equals(before)) {
            report(before); // an applied desired value has reported itself already
        }
    }

    /** Asynchronous: it may run on the SDK's callback thread, which must not wait for the hub's answer. */
    private void report(Duration interval) {
        TwinCollection reported = new TwinCollection();
        reported.put(DesiredInterval.PROPERTY, interval.toSeconds());
        client.updateReportedPropertiesAsync(reported, (status, response, exception, context) -> {
            if (IotHubStatusCode.isSuccessful(status) && exception == null) {
                out.println("Reported " + DesiredInterval.PROPERTY + " " + interval.toSeconds() + " s (reported version "
                        + response.getVersion() + ")");
            } else {
                out.println("Could not report " + DesiredInterval.PROPERTY + " " + interval.toSeconds() + " s: "
                        + (exception != null ? exception.getMessage() : status));
            }
        }, null);
    }
}
