import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Build step of the distribution: runs the hub once on the distribution's own runtime with
 * -XX:ArchiveClassesAtExit, drives a device connect (MQTT over TLS, one message) and a service call (HTTPS) through
 * it, and stops it, so the class-data-sharing archive holds the classes of start-up and of the first connects.
 *
 * <p>Usage (a single-file program, run by the build's java): {@code java CdsTraining.java IMAGE_DIR WORK_DIR}.
 * The jar is named /proc/self/fd/9 as bin/local-hub names it, so the archive fits wherever the image is unpacked.
 */
public final class CdsTraining {
    private static final String READY = "Press Ctrl+C to stop.";
    /** The ports the hub needs; 443 is not checked: without root the hub says it cannot bind it and goes on. */
    private static final int[] PORTS = {8883, 8443, 5671, 5672};
    private static final Pattern DEVICE = Pattern.compile("HostName=([^;]+);DeviceId=([^;]+);SharedAccessKey=(\\S+)");
    private static final Pattern SERVICE = Pattern.compile("HostName=[^;]+;SharedAccessKeyName=service;SharedAccessKey=(\\S+)");

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]).toAbsolutePath();
        Path work = Path.of(args[1]).toAbsolutePath();
        Path jar = image.resolve("lib/local-hub.jar");
        Path archive = image.resolve("lib/local-hub.jsa");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build local-hub first (./mvnw package -pl local-hub-dist -am)");
        }
        Files.deleteIfExists(archive);
        deleteTree(work);
        Files.createDirectories(work);
        // JDK 17's CDS checks the jar's modification time to the second; ZIP entries keep even seconds only.
        long seconds = Files.getLastModifiedTime(jar).to(TimeUnit.SECONDS);
        Files.setLastModifiedTime(jar, FileTime.from(seconds - seconds % 2, TimeUnit.SECONDS));

        String address = freeLoopback();
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "exec 9<\"$0\"; exec \"$@\"", jar.toString(),
                image.resolve("runtime/bin/java").toString(), "-XX:ArchiveClassesAtExit=" + archive,
                "-Xlog:cds=error", "-Xlog:cds+dynamic=error", "-jar", "/proc/self/fd/9",
                "start", "--bind", address, "--data-dir", work.resolve("data").toString()));
        long started = System.nanoTime();
        Process hub = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<String> banner = new CompletableFuture<>();
        Thread reader = new Thread(() -> readBanner(hub.getInputStream(), banner), "hub-output");
        reader.setDaemon(true);
        reader.start();
        try {
            String text = banner.get(120, TimeUnit.SECONDS);
            System.out.printf("CdsTraining: hub on %s ready in %.1f s%n", address, (System.nanoTime() - started) / 1e9);
            SSLContext tls = trusting(work.resolve("data/ca.pem"));
            Matcher device = DEVICE.matcher(text);
            Matcher service = SERVICE.matcher(text);
            if (!device.find() || !service.find()) {
                throw new IllegalStateException("no connection strings in the hub's banner:\n" + text);
            }
            mqttConnectAndSend(tls, address, device.group(2), device.group(3));
            httpsGetTwin(tls, address, device.group(2), service.group(1));
        } finally {
            hub.destroy();
            if (!hub.waitFor(120, TimeUnit.SECONDS)) {
                hub.destroyForcibly();
                throw new IllegalStateException("the hub did not stop within 120 s");
            }
            reader.join(5000);
            deleteTree(work);
        }
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the hub wrote no archive " + archive + " (exit " + hub.exitValue() + ")");
        }
        System.out.printf("CdsTraining: %s, %.1f MB, in %.1f s%n", archive, Files.size(archive) / 1e6,
                (System.nanoTime() - started) / 1e9);
    }

    private static void readBanner(InputStream output, CompletableFuture<String> banner) {
        StringBuilder text = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!banner.isDone()) {
                    text.append(line).append('\n');
                    if (line.contains(READY)) {
                        banner.complete(text.toString());
                    }
                } else if (line.contains("WARN") || line.contains("ERROR") || line.contains("warning")) {
                    System.out.println("CdsTraining: hub: " + line);
                }
            }
        } catch (IOException e) {
            // the hub ended
        }
        banner.completeExceptionally(new IllegalStateException("the hub ended before it was running:\n" + text));
    }

    /** A random 127.x.y.z where every port the hub opens by default is free, as the tests pick theirs. */
    private static String freeLoopback() {
        for (int attempt = 0; attempt < 64; attempt++) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            String address = "127." + random.nextInt(1, 255) + "." + random.nextInt(0, 256) + "." + random.nextInt(1, 255);
            if (allFree(address)) {
                return address;
            }
        }
        throw new IllegalStateException("no loopback address with ports 8883, 8443, 5671 and 5672 free");
    }

    private static boolean allFree(String address) {
        for (int port : PORTS) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(address, port));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            store.setCertificateEntry("hub-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** IoT Hub's MQTT: CONNECT with a SAS token, one QoS 1 message to the device's events topic, DISCONNECT. */
    private static void mqttConnectAndSend(SSLContext tls, String host, String deviceId, String key) throws Exception {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(host, 8883)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String user = host + "/" + deviceId + "/?api-version=2021-04-12";
            String password = sas(host + "/devices/" + deviceId, key, null);
            byte[] payload = concat(mqttString("MQTT"), new byte[] {4, (byte) 0xC2, 0, 60}, mqttString(deviceId),
                    mqttString(user), mqttString(password));
            out.write(packet(0x10, payload));
            byte[] connack = in.readNBytes(4);
            if (connack.length != 4 || connack[3] != 0) {
                throw new IllegalStateException("CONNACK refused: " + Base64.getEncoder().encodeToString(connack));
            }
            byte[] publish = concat(mqttString("devices/" + deviceId + "/messages/events/"), new byte[] {0, 1},
                    "{\"training\":true}".getBytes(StandardCharsets.UTF_8));
            out.write(packet(0x32, publish));
            byte[] puback = in.readNBytes(4);
            if (puback.length != 4 || (puback[0] & 0xF0) != 0x40) {
                throw new IllegalStateException("no PUBACK: " + Base64.getEncoder().encodeToString(puback));
            }
            out.write(new byte[] {(byte) 0xE0, 0});
            out.flush();
        }
    }

    private static void httpsGetTwin(SSLContext tls, String host, String deviceId, String serviceKey) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(30)).build();
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("https://" + host + ":8443/twins/" + deviceId + "?api-version=2021-04-12"))
                .header("Authorization", sas(host, serviceKey, "service"))
                .timeout(Duration.ofSeconds(30)).GET().build();
        int status = client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
        if (status != 200) {
            throw new IllegalStateException("GET twin: HTTP " + status);
        }
    }

    private static String sas(String resource, String base64Key, String policy) throws Exception {
        String encoded = URLEncoder.encode(resource, StandardCharsets.UTF_8);
        long expiry = Instant.now().plusSeconds(3600).getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(base64Key), "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(
                mac.doFinal((encoded + "\n" + expiry).getBytes(StandardCharsets.UTF_8)));
        return "SharedAccessSignature sr=" + encoded + "&sig=" + URLEncoder.encode(signature, StandardCharsets.UTF_8)
                + "&se=" + expiry + (policy == null ? "" : "&skn=" + policy);
    }

    private static byte[] mqttString(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[] {(byte) (bytes.length >> 8), (byte) bytes.length}, bytes);
    }

    private static byte[] packet(int type, byte[] body) {
        byte[] length = new byte[4];
        int n = 0;
        int remaining = body.length;
        do {
            int digit = remaining % 128;
            remaining /= 128;
            length[n++] = (byte) (remaining > 0 ? digit | 0x80 : digit);
        } while (remaining > 0);
        byte[] header = new byte[1 + n];
        header[0] = (byte) type;
        System.arraycopy(length, 0, header, 1, n);
        return concat(header, body);
    }

    private static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] part : parts) {
            size += part.length;
        }
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
