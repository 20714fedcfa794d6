package io.github.iothubquickstart.benchmarks;

import io.github.iothubquickstart.localhub.data.HubIdentity;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Option;

/** Where the servers under test are, and where results go: shared by every scenario. */
final class TargetOptions {
    @Option(names = "--hub-data-dir", required = true,
            description = "The running hub's data directory: its CA, device keys and policies.")
    Path hubDataDir;

    @Option(names = "--hub-host", defaultValue = "127.0.0.1",
            description = "The hub's address and host name (default: ${DEFAULT-VALUE}).")
    String hubHost;

    @Option(names = "--hub-mqtt-port", defaultValue = "8883", description = "Default: ${DEFAULT-VALUE}.")
    int hubMqttPort;

    @Option(names = "--hub-https-port", defaultValue = "8443", description = "Default: ${DEFAULT-VALUE}.")
    int hubHttpsPort;

    @Option(names = "--hub-label", defaultValue = "local-hub",
            description = "The hub's name in results, e.g. to tell settings apart (default: ${DEFAULT-VALUE}).")
    String hubLabel;

    @Option(names = "--hub-pid", description = "The hub's process id, to measure its heap (jcmd) and memory.")
    Long hubPid;

    @Option(names = "--mosquitto", paramLabel = "HOST:PORT",
            description = "A Mosquitto broker (TLS with the hub's server certificate, anonymous) to run the same load against.")
    String mosquitto;

    @Option(names = "--mosquitto-pid", description = "Mosquitto's process id, to measure its resident memory.")
    Long mosquittoPid;

    @Option(names = "--client-threads", defaultValue = "2",
            description = "Event-loop threads of the load generator (default: ${DEFAULT-VALUE}).")
    int clientThreads;

    @Option(names = "--results", description = "Appends one Markdown table row per measurement to this file.")
    Path results;

    @Option(names = "--plots", description = "Writes PNG plots into this directory.")
    Path plots;

    Vertx clientVertx() {
        return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(clientThreads).setPreferNativeTransport(false));
    }

    HubIdentity openHub() {
        return HubIdentity.openExisting(hubDataDir);
    }

    /** The hub, then Mosquitto if one is given (on the hub's address, another port: the same certificate verifies). */
    List<MqttTarget> mqttTargets(HubIdentity hub, int devices) {
        List<MqttTarget> targets = new ArrayList<>();
        Path ca = hub.certificates().caCertificateFile();
        targets.add(new MqttTarget(hubLabel, hubHost, hubMqttPort, ca,
                MqttLogins.sas(hubHost, BenchDevices.ensure(hub.registry(), devices)), optional(hubPid), true));
        if (mosquitto != null) {
            int colon = mosquitto.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--mosquitto is HOST:PORT, not " + mosquitto);
            }
            targets.add(new MqttTarget("mosquitto", mosquitto.substring(0, colon),
                    Integer.parseInt(mosquitto.substring(colon + 1)), ca,
                    MqttLogins.anonymous(devices), optional(mosquittoPid), false));
        }
        return targets;
    }

    /** "1.37 x Mosquitto" for the hub's row when Mosquitto ran the same load; empty for Mosquitto's row or without it. */
    <T> String ratioToMosquitto(Map<String, T> outcomes, T outcome, ToDoubleFunction<T> rate) {
        T hub = outcomes.get(hubLabel);
        T mosquitto = outcomes.get("mosquitto");
        if (hub == null || mosquitto == null || outcome == mosquitto) {
            return "";
        }
        return String.format("%.2f x Mosquitto", rate.applyAsDouble(hub) / rate.applyAsDouble(mosquitto));
    }

    void appendResult(PrintStream out, String row) {
        out.println("RESULT " + row);
        if (results == null) {
            return;
        }
        try {
            Files.writeString(results, row + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + results, e);
        }
    }

    private static OptionalLong optional(Long pid) {
        return pid == null ? OptionalLong.empty() : OptionalLong.of(pid);
    }
}
