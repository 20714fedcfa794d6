package io.github.iothubquickstart.localhub.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.data.HubCommand;
import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints each device-to-cloud message as it arrives, like {@code az iot hub monitor-events}. */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = {"Print device-to-cloud messages as they arrive at a running hub, until Ctrl+C.",
                "It reads the hub's own monitor stream (HTTPS), which carries every device's messages and needs no"
                        + " Event Hubs client in this jar. Applications read telemetry as on IoT Hub with an Event Hubs"
                        + " client and 'connection-string --event-hubs' (as the back-end's --read-telemetry does)."})
final class MonitorCommand implements Callable<Integer> {
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(2);

    @Spec
    CommandSpec spec;

    @Mixin
    DataDirectoryOption dataDirectory;

    @Option(names = "--device", paramLabel = "DEVICE_ID", description = "Only this device's messages.")
    String deviceId;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = LocalHub.DEFAULT_BIND_ADDRESS,
            description = "The hub's address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--https-port", paramLabel = "PORT", defaultValue = "8443",
            description = "The hub's HTTPS port (default: ${DEFAULT-VALUE}).")
    int httpsPort;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N messages.")
    Integer count;

    @Option(names = "--replay", description = "First print the messages the hub has kept (see 'start --help'), then new ones.")
    boolean replay;

    /** The last message printed: after a reconnect the hub resumes after it, so nothing is missed or repeated. */
    private String lastEventId;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SharedAccessPolicy policy;
        SSLContext trust;
        try (HubIdentity identity = HubIdentity.openExisting(dataDirectory.resolve())) {
            policy = identity.registry().findPolicy("service")
                    .orElseThrow(() -> new IllegalStateException("the hub has no 'service' policy"));
            trust = TrustedCa.trustingOnly(identity.certificates().caCertificateFile());
        }
        HttpClient http = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();
        String query = (replay ? "from=0" : "")
                + (deviceId == null ? "" : (replay ? "&" : "") + "deviceId=" + URLEncoder.encode(deviceId, StandardCharsets.UTF_8));
        URI uri = URI.create("https://" + host + ":" + httpsPort + "/monitor/events" + (query.isEmpty() ? "" : "?" + query));
        int[] printed = {0};
        boolean announced = false;
        while (count == null || printed[0] < count) {
            try {
                HttpResponse<InputStream> response = http.send(request(uri, policy), HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() != 200) {
                    err.println("local-hub monitor: the hub answered HTTP " + response.statusCode() + ": "
                            + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
                    return FriendlyErrors.FAILURE;
                }
                err.println("Monitoring device-to-cloud messages at " + host + ":" + httpsPort
                        + (deviceId == null ? "" : " from " + deviceId) + ". Press Ctrl+C to stop.");
                err.flush();
                announced = true;
                if (readEvents(response.body(), out, printed)) {
                    return 0;
                }
                err.println("local-hub monitor: the hub closed the stream; reconnecting...");
            } catch (IOException e) {
                if (!announced) {
                    err.println("local-hub monitor: no hub is answering at " + host + ":" + httpsPort
                            + " (" + describe(e) + "): start it with '" + HubCommand.name() + "'.");
                    return FriendlyErrors.FAILURE;
                }
                err.println("local-hub monitor: lost the hub (" + describe(e) + "); reconnecting...");
            }
            err.flush();
            Thread.sleep(RECONNECT_DELAY.toMillis());
        }
        return 0;
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private HttpRequest request(URI uri, SharedAccessPolicy policy) {
        String token = SasSigner.sign(policy.primaryKey(), uri.getHost(),
                Instant.now().plus(Duration.ofDays(1)).getEpochSecond(), policy.name());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Authorization", token).GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return request.build();
    }

    /** Prints events until the stream ends (false) or the count is reached (true). */
    private boolean readEvents(InputStream body, PrintWriter out, int[] printed) throws IOException {
        try (BufferedReader events = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (String line = events.readLine(); line != null; line = events.readLine()) {
                if (line.startsWith("id: ")) {
                    lastEventId = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    out.println(format(JsonParser.parseString(line.substring(6)).getAsJsonObject()));
                    out.flush();
                    printed[0]++;
                    if (count != null && printed[0] >= count) {
                        return true;
                    }
                } else if (line.startsWith(": ") && line.contains("dropped")) {
                    out.println("(" + line.substring(2) + ")");
                }
            }
        }
        return false;
    }

    static String format(JsonObject event) {
        StringBuilder line = new StringBuilder()
                .append(event.get("enqueuedTime").getAsString()).append(' ')
                .append(event.get("deviceId").getAsString());
        if (event.has("moduleId")) {
            line.append('/').append(event.get("moduleId").getAsString());
        }
        for (Map.Entry<String, com.google.gson.JsonElement> property : event.getAsJsonObject("properties").entrySet()) {
            line.append(' ').append(property.getKey()).append('=').append(property.getValue().getAsString());
        }
        line.append(' ').append(event.has("body") ? event.get("body").toString() : "base64:" + event.get("bodyBase64").getAsString());
        return line.toString();
    }
}
