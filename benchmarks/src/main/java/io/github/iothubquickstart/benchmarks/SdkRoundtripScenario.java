package io.github.iothubquickstart.benchmarks;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import io.github.iothubquickstart.localhub.ConnectionStrings;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The real Azure service SDK invoking the real Azure device SDK through the hub, one call at a time: once with the
 * device SDK's default send/receive periods, once with them at 1 ms, so the difference is what those periods cost.
 */
@Command(name = "sdk-roundtrip", mixinStandardHelpOptions = true,
        description = "Azure service SDK -> hub -> Azure device SDK, sequential direct-method calls: p50/p99.")
final class SdkRoundtripScenario implements Callable<Integer> {
    static final String DEVICE_ID = "bench-sdk";

    @Mixin
    TargetOptions targets = new TargetOptions();

    @Option(names = "--calls", defaultValue = "1000", description = "Measured calls per run (default: ${DEFAULT-VALUE}).")
    int calls;

    @Option(names = "--warmup-calls", defaultValue = "100", description = "Default: ${DEFAULT-VALUE}.")
    int warmupCalls;

    @Option(names = "--periods-ms", split = ",", defaultValue = "10,1",
            description = "Device SDK send/receive periods to compare, ms (default: ${DEFAULT-VALUE}; 10 is the SDK's default).")
    List<Integer> periods;

    PrintStream out = System.out;

    record Outcome(int periodMillis, long calls, long failures, Histogram latency) {
    }

    @Override
    public Integer call() throws Exception {
        return run().stream().allMatch(outcome -> outcome.calls() > 0) ? 0 : 1;
    }

    List<Outcome> run() throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        try (HubIdentity hub = targets.openHub()) {
            DeviceIdentity device = hub.registry().findDevice(DEVICE_ID)
                    .orElseGet(() -> hub.registry().createDevice(DEVICE_ID));
            SSLContext trustHubCa = TrustedCa.trustingOnly(hub.certificates().caCertificateFile());
            // The service SDK speaks HTTPS through HttpsURLConnection's default socket factory.
            HttpsURLConnection.setDefaultSSLSocketFactory(trustHubCa.getSocketFactory());
            SharedAccessPolicy service = hub.registry().findPolicy("service").orElseThrow();
            String token = SasSigner.sign(service.primaryKey(), targets.hubHost,
                    Instant.now().plusSeconds(3600).getEpochSecond(), service.name());
            DirectMethodsClient methods = new DirectMethodsClient(targets.hubHost + ":" + targets.hubHttpsPort,
                    new AzureSasCredential(token));
            for (int period : periods) {
                outcomes.add(measure(ConnectionStrings.device(targets.hubHost, device), trustHubCa, methods, period));
            }
        }
        report(outcomes);
        if (targets.plots != null) {
            List<Plots.Series> series = new ArrayList<>();
            outcomes.forEach(outcome -> series.add(new Plots.Series("device SDK periods " + outcome.periodMillis()
                    + " ms", outcome.latency())));
            Plots.latency(targets.plots.resolve("sdk-roundtrip-latency.png"),
                    "Azure service SDK -> local hub -> Azure device SDK, sequential calls", series);
        }
        return outcomes;
    }

    private void report(List<Outcome> outcomes) {
        Outcome slowest = outcomes.get(0);
        for (Outcome outcome : outcomes) {
            String share = outcome == slowest ? ""
                    : String.format("SDK periods %d ms -> %d ms saves %s at p50", slowest.periodMillis(),
                    outcome.periodMillis(), Latency.ms(Latency.millisAt(slowest.latency(), 50)
                            - Latency.millisAt(outcome.latency(), 50)));
            targets.appendResult(out, String.format("| sdk-roundtrip | %s | %,d sequential calls, device SDK periods %d ms | %,.0f calls/s | %s / %s / %s | - | %s |",
                    targets.hubLabel, outcome.calls(), outcome.periodMillis(),
                    outcome.latency().getTotalCount() == 0 ? 0 : 1e6 / outcome.latency().getMean(),
                    Latency.ms(Latency.millisAt(outcome.latency(), 50)), Latency.ms(Latency.millisAt(outcome.latency(), 99)),
                    Latency.ms(Latency.millisAt(outcome.latency(), 99.9)),
                    share + (outcome.failures() > 0 ? " (" + outcome.failures() + " failed)" : "")));
        }
    }

    private Outcome measure(String connectionString, SSLContext trustHubCa, DirectMethodsClient methods, int period)
            throws Exception {
        out.printf("sdk-roundtrip: %,d calls, device SDK send/receive periods %d ms%n", calls, period);
        ClientOptions options = ClientOptions.builder().sslContext(trustHubCa)
                .sendInterval(period).receiveInterval(period).build();
        DeviceClient device = new DeviceClient(connectionString, IotHubClientProtocol.MQTT, options);
        Latency latency = new Latency();
        AtomicInteger done = new AtomicInteger();
        long failures = 0;
        try {
            device.open(false);
            device.subscribeToMethods((methodName, payload, context) -> new DirectMethodResponse(200, "{\"ok\":true}"), null);
            DirectMethodRequestOptions request = DirectMethodRequestOptions.builder()
                    .payload(10).methodResponseTimeoutSeconds(30).methodConnectTimeoutSeconds(10).build();
            try (Progress ignored = new Progress(out, "sdk-roundtrip " + period + " ms",
                    () -> done.get() + " of " + (warmupCalls + calls) + " calls")) {
                for (int i = 0; i < warmupCalls + calls; i++) {
                    if (i == warmupCalls) {
                        latency.take();
                    }
                    long start = System.nanoTime();
                    try {
                        int status = methods.invoke(SdkRoundtripScenario.DEVICE_ID, "bench", request).getStatus();
                        if (status == 200) {
                            latency.recordNanos(System.nanoTime() - start);
                        } else if (i >= warmupCalls) {
                            failures++;
                        }
                    } catch (Exception e) {
                        if (i >= warmupCalls) {
                            failures++;
                        }
                    }
                    done.incrementAndGet();
                }
            }
        } finally {
            device.close();
        }
        Histogram histogram = latency.take();
        out.printf("  periods %d ms: %s; %d failed%n", period, Latency.summary(histogram), failures);
        return new Outcome(period, histogram.getTotalCount(), failures, histogram);
    }
}
