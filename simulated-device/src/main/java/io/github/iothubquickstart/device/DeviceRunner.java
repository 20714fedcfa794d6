package io.github.iothubquickstart.device;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import io.github.iothubquickstart.common.DeviceConnectionString;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Connects with the SDK and runs the send loop until it is done or {@link #stop()} is called. The SDK's
 * default retry policy rides out disconnections such as a hub restart.
 */
final class DeviceRunner implements DeviceLauncher {
    /** How often the device SDK looks for messages to send and received messages to hand over. */
    static final int SDK_QUEUE_PERIOD_MILLIS = 1;
    /**
     * Over HTTPS each receive period is a request for cloud-to-device messages, which this device does not handle:
     * IoT Hub's advice is to poll no more than every 25 minutes.
     */
    static final int HTTPS_POLL_PERIOD_MILLIS = 25 * 60 * 1000;
    /** IoT Hub answers a twin request well within a second; 5 s leaves room for a slow network or a busy machine. */
    static final Duration TWIN_ANSWER_TIMEOUT = Duration.ofSeconds(5);
    static final int TWIN_ATTEMPTS = 3;

    private final PrintStream out;
    private final PrintStream err;
    private final Random random;
    private final Object clientLock = new Object();
    private volatile TelemetrySchedule schedule;
    private DeviceClient client;
    private boolean stopRequested;
    private volatile boolean connecting;

    DeviceRunner(PrintStream out, PrintStream err, Random random) {
        this.out = out;
        this.err = err;
        this.random = random;
    }

    @Override
    public int launch(DeviceConfig config) {
        TelemetrySchedule telemetrySchedule = new TelemetrySchedule(config.interval());
        DeviceClient deviceClient = createClient(config);
        synchronized (clientLock) {
            if (stopRequested) {
                return DeviceCommand.EXIT_OK;
            }
            schedule = telemetrySchedule;
            client = deviceClient;
        }
        DeviceConnectionString connection = config.connection().connectionString();
        ScheduledExecutorService twinTimer = Executors.newSingleThreadScheduledExecutor(DeviceRunner::twinTimerThread);
        try {
            out.println("Connecting to " + connection.connectHost() + " as device " + connection.deviceId()
                    + " over " + config.protocol()
                    + (config.modelId() == null ? "" : ", announcing IoT Plug and Play model " + config.modelId())
                    + "... (press ENTER or Ctrl+C to stop)");
            connecting = true;
            deviceClient.open(true);
            if (config.upload() != null) {
                connecting = false;
                return upload(deviceClient, config);
            }
            if (config.protocol().offersMethodsAndTwin()) {
                deviceClient.subscribeToMethods(new SdkMethodCallback(new MethodDispatcher(telemetrySchedule), out),
                        null);
                startTwin(deviceClient, telemetrySchedule, twinTimer);
            } else {
                out.println("Note: over " + config.protocol() + " IoT Hub offers devices no direct methods and no"
                        + " device twin: this device only sends telemetry, every " + config.interval().toSeconds()
                        + " s (use MQTT or AMQPS to change the interval from the back-end).");
            }
            connecting = false;
            long sent = new TelemetryLoop(new TelemetryGenerator(random), telemetrySchedule,
                    new DeviceClientTelemetrySink(deviceClient, new TelemetryMessageFactory()), out,
                    config.maxMessages()).run();
            out.println("Stopped after " + sent + " message(s).");
            return DeviceCommand.EXIT_OK;
        } catch (IotHubClientException | RuntimeException e) {
            if (telemetrySchedule.isStopped()) {
                return DeviceCommand.EXIT_OK; // closed while still connecting: that is a normal stop
            }
            err.println("error: cannot connect to the hub at " + connection.connectHost() + " ("
                    + describe(e) + "): " + (config.connection().hasClientCertificate()
                    ? "check that the device's identity holds this certificate's thumbprint (or trusts its CA)"
                    : "check the connection string") + " and that the hub is reachable");
            return DeviceCommand.EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DeviceCommand.EXIT_OK;
        } finally {
            twinTimer.shutdownNow(); // no resend into a closing client
            deviceClient.close();
        }
    }

    private int upload(DeviceClient deviceClient, DeviceConfig config) {
        try {
            new FileUploader(out).upload(deviceClient, config.upload(), config.connection().sslContext());
            return DeviceCommand.EXIT_OK;
        } catch (IotHubClientException | java.net.URISyntaxException | java.io.IOException | RuntimeException e) {
            err.println("error: the upload of " + config.upload() + " failed (" + describe(e) + "): check that the"
                    + " hub has file upload (a storage account) and that its storage is reachable");
            return DeviceCommand.EXIT_FAILURE;
        }
    }

    /** The twin is an extra: without it (a hub that refuses it) the device still sends and answers methods. */
    private void startTwin(DeviceClient deviceClient, TelemetrySchedule telemetrySchedule,
                           ScheduledExecutorService twinTimer) throws InterruptedException {
        try {
            new IntervalTwin(new SdkTwinChannel(deviceClient), telemetrySchedule,
                    new Resender(twinTimer, TWIN_ANSWER_TIMEOUT, TWIN_ATTEMPTS), out).start();
        } catch (IotHubClientException | RuntimeException e) {
            err.println("warning: the device twin is not available (" + describe(e)
                    + "): the telemetry interval is neither reported nor taken from desired properties");
        }
    }

    private DeviceClient createClient(DeviceConfig config) {
        // The SDK polls its send and receive queues every 10 ms by default, which alone costs ~10 ms per direct
        // method round trip; 1 ms periods make it ~2-5 ms (docs/benchmarks.md) for a few hundred idle wake-ups/s.
        ClientOptions.ClientOptionsBuilder options = ClientOptions.builder()
                .sendInterval(SDK_QUEUE_PERIOD_MILLIS)
                .receiveInterval(config.protocol().sdkProtocol() == IotHubClientProtocol.HTTPS
                        ? HTTPS_POLL_PERIOD_MILLIS : SDK_QUEUE_PERIOD_MILLIS);
        config.connection().sslContext().ifPresent(options::sslContext);
        if (config.modelId() != null) {
            options.modelId(config.modelId());
        }
        DeviceClient deviceClient = new DeviceClient(config.connection().connectionString().value(),
                config.protocol().sdkProtocol(), options.build());
        deviceClient.setConnectionStatusChangeCallback(new ConnectionStatusPrinter(out), null);
        return deviceClient;
    }

    /** Ends the send loop; if the device is still connecting, closing the client aborts the attempt. */
    void stop() {
        DeviceClient toClose;
        synchronized (clientLock) {
            stopRequested = true;
            toClose = client;
        }
        TelemetrySchedule current = schedule;
        if (current != null) {
            current.stop();
        }
        if (toClose != null && connecting) {
            toClose.close(); // open(true) may be retrying for minutes; closing makes it give up now
        }
    }

    private static Thread twinTimerThread(Runnable task) {
        Thread thread = new Thread(task, "twin-answer-timeouts");
        thread.setDaemon(true);
        return thread;
    }

    private static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (root != e && root.getMessage() != null) {
            message += ": " + root.getMessage();
        }
        return message.replaceAll("\\s+", " ");
    }
}
