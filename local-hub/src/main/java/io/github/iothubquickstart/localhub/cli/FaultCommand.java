package io.github.iothubquickstart.localhub.cli;

import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.data.HubCommand;
import io.github.iothubquickstart.localhub.faults.FaultType;
import io.github.iothubquickstart.localhub.tls.TrustedCa;
import io.github.iothubquickstart.localhubclient.LocalHubFinder;
import io.github.iothubquickstart.localhubclient.RunningHub;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code local-hub fault}: sets off one of IoT Hub's fault injections on a connected device of the hub running on the
 * data directory, for a device that cannot send the fault message itself (the hub's own
 * {@code POST /devices/{id}/faults}).
 */
@Command(name = "fault", mixinStandardHelpOptions = true,
        description = {"Break a connected device's connection, or refuse its telemetry for a while, as IoT Hub's fault"
                + " injection does (the message property AzIoTHub_FaultOperationType), on the hub running on the data"
                + " directory.",
                "Types: KillTcp, ShutDownMqtt (MQTT); KillTcp, KillAmqpConnection, KillAmqpSession, KillAmqpCBSLinkReq,"
                        + " KillAmqpCBSLinkResp, KillAmqpD2CLink, KillAmqpC2DLink, KillAmqpMethodReqLink,"
                        + " KillAmqpMethodRespLink, KillAmqpTwinLinkReq, KillAmqpTwinLinkResp, ShutDownAmqp (AMQP);"
                        + " InvokeThrottling, InvokeMaxMessageQuota, InvokeAuthError (telemetry refused for"
                        + " --duration seconds, on every protocol)."})
final class FaultCommand implements Callable<Integer> {
    private static final String API_VERSION = "2021-04-12";

    @Spec
    CommandSpec spec;

    @Mixin
    DataDirectoryOption dataDirectory;

    @Option(names = "--device", required = true, paramLabel = "DEVICE_ID", description = "The device.")
    String deviceId;

    @Option(names = "--module", paramLabel = "MODULE_ID", description = "A module of the device instead.")
    String moduleId;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "The fault, e.g. KillTcp.")
    String type;

    @Option(names = "--reason", paramLabel = "TEXT", description = "The error description the device sees, where"
            + " its protocol has one (default: the type).")
    String reason;

    @Option(names = "--delay", paramLabel = "SECONDS", defaultValue = "0",
            description = "Seconds before the fault (default: ${DEFAULT-VALUE}).")
    long delaySeconds;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long telemetry is refused, for the Invoke... types (default: ${DEFAULT-VALUE}).")
    long durationSeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (FaultType.named(type).isEmpty()) {
            throw new IllegalArgumentException("--type must be one of " + Arrays.stream(FaultType.values())
                    .map(FaultType::wireName).collect(Collectors.joining(", ")) + ", not " + type);
        }
        Path data = dataDirectory.resolve();
        Optional<RunningHub> running = LocalHubFinder.running(data);
        if (running.isEmpty()) {
            err.println("local-hub fault: no local hub runs on the data directory " + data
                    + ": start it with '" + HubCommand.name() + "'.");
            return FriendlyErrors.FAILURE;
        }
        RunningHub hub = running.get();
        HttpClient http = HttpClient.newBuilder()
                .sslContext(TrustedCa.trustingOnly(data.resolve(hub.caFile())))
                .connectTimeout(Duration.ofSeconds(5)).build();
        String path = "/devices/" + encoded(deviceId) + (moduleId == null ? "" : "/modules/" + encoded(moduleId))
                + "/faults?api-version=" + API_VERSION;
        URI uri = URI.create("https://" + hub.hostName() + ":" + hub.httpsPort() + path);
        String token = SasSigner.sign(hub.servicePolicy().key(), hub.hostName(),
                Instant.now().plus(Duration.ofHours(1)).getEpochSecond(), hub.servicePolicy().name());
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).header("Authorization", token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body().toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("local-hub fault: no hub is answering at " + hub.hostName() + ":" + hub.httpsPort() + " ("
                    + e.getMessage() + ")");
            return FriendlyErrors.FAILURE;
        }
        if (response.statusCode() != 200) {
            err.println("local-hub fault: the hub answered HTTP " + response.statusCode() + ": " + response.body());
            return FriendlyErrors.FAILURE;
        }
        out.println(type + " set off for " + deviceId + (moduleId == null ? "" : "/" + moduleId)
                + (delaySeconds == 0 ? " now" : " in " + delaySeconds + " s")
                + (type.startsWith("Invoke") ? ", lasting " + durationSeconds + " s" : ""));
        return 0;
    }

    private JsonObject body() {
        JsonObject body = new JsonObject();
        body.addProperty("type", type);
        if (reason != null) {
            body.addProperty("reason", reason);
        }
        body.addProperty("delayInSeconds", delaySeconds);
        body.addProperty("durationInSeconds", durationSeconds);
        return body;
    }

    private static String encoded(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
