package io.github.iothubquickstart.localhub.storage;

import io.github.iothubquickstart.localhub.blobs.BlobAccessException;
import io.github.iothubquickstart.localhub.blobs.BlobContainer;
import io.github.iothubquickstart.localhub.blobs.BlobProperties;
import io.github.iothubquickstart.localhub.blobs.BlobStorage;
import io.github.iothubquickstart.localhub.blobs.BlobXml;
import io.github.iothubquickstart.localhub.blobs.ServiceSas;
import io.github.iothubquickstart.localhub.blobs.SharedKey;
import io.github.iothubquickstart.localhub.blobs.StorageConnectionString;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A storage account named by connection string (Azure Storage, Azurite): the hub signs service SAS tokens with its
 * key as IoT Hub does, and calls its Blob service over HTTPS (or plain HTTP for a local Azurite) with Shared Key, or
 * with the SAS of a container URI it was given.
 */
public final class StorageAccountBlobStorage implements BlobStorage {
    /** The Blob service version the hub's requests speak. */
    static final String SERVICE_VERSION = "2021-08-06";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern ERROR_CODE = Pattern.compile("<Code>([^<]*)</Code>");

    private final StorageConnectionString storage;
    private final HttpClient http;
    private final Clock clock;

    /** @param tls trust for the endpoint's certificate: the JDK's CAs and the hub's own (never trust-all) */
    public StorageAccountBlobStorage(StorageConnectionString storage, SSLContext tls, Clock clock) {
        this.storage = storage;
        this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.clock = clock;
    }

    @Override
    public String uploadHostName() {
        return storage.uploadHostName();
    }

    @Override
    public String blobWriteSas(String container, String blobName, Instant expiry) {
        return ServiceSas.signForBlob(storage.account(), container, blobName, "rcw", expiry,
                storage.https() ? "https" : "https,http");
    }

    @Override
    public CompletableFuture<Void> createContainerIfMissing(String container) {
        return send("PUT", "/" + container, "restype=container", HttpRequest.BodyPublishers.noBody(), 0, Map.of())
                .thenApply(response -> {
                    if (response.statusCode() != 201 && !(response.statusCode() == 409
                            && "ContainerAlreadyExists".equals(errorCode(response)))) {
                        throw refused("create container " + container, response);
                    }
                    return null;
                });
    }

    @Override
    public CompletableFuture<Optional<BlobProperties>> properties(String container, String blobName) {
        return send("HEAD", "/" + container + "/" + encodePath(blobName), null, HttpRequest.BodyPublishers.noBody(), 0,
                Map.of()).thenApply(response -> {
                    if (response.statusCode() == 404) {
                        return Optional.empty();
                    }
                    if (response.statusCode() != 200) {
                        throw refused("read the properties of " + container + "/" + blobName, response);
                    }
                    long size = response.headers().firstValueAsLong("Content-Length").orElse(0);
                    Instant lastModified = response.headers().firstValue("Last-Modified")
                            .map(date -> ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
                            .orElse(clock.instant());
                    return Optional.of(new BlobProperties(size, lastModified));
                });
    }

    @Override
    public BlobContainer container(URI containerUri) {
        String authority = containerUri.getRawAuthority();
        String endpointPath = storage.blobEndpoint().getRawPath() == null ? "" : storage.blobEndpoint().getRawPath();
        String path = containerUri.getRawPath() == null ? "" : containerUri.getRawPath().replaceAll("/+$", "");
        boolean ours = storage.blobEndpoint().getRawAuthority().equals(authority) && path.startsWith(endpointPath + "/");
        String sas = containerUri.getRawQuery();
        if (!ours && (sas == null || sas.isEmpty())) {
            throw new IllegalArgumentException("The container URI " + containerUri.getScheme() + "://" + authority + path
                    + " has no SAS and is not in the hub's storage account (" + storage.blobEndpoint() + ").");
        }
        if (!"https".equals(containerUri.getScheme()) && !("http".equals(containerUri.getScheme()) && ours)) {
            throw new IllegalArgumentException("The container URI must be https (http only for the hub's own"
                    + " storage account when its endpoint is http).");
        }
        URI base = URI.create(containerUri.getScheme() + "://" + authority + path);
        return new Container(base, sas == null || sas.isEmpty() ? null : sas);
    }

    /** A container reached with its SAS, or with the account key when it is the hub's own account's. */
    private final class Container implements BlobContainer {
        private final URI base;
        private final String sas;

        Container(URI base, String sas) {
            this.base = base;
            this.sas = sas;
        }

        @Override
        public CompletableFuture<Optional<byte[]>> read(String blobName) {
            return call("GET", blobName, HttpRequest.BodyPublishers.noBody(), 0, Map.of()).thenApply(response -> {
                if (response.statusCode() == 404 && "BlobNotFound".equals(errorCode(response))) {
                    return Optional.empty();
                }
                if (response.statusCode() != 200) {
                    throw refused("read " + blobName, response);
                }
                return Optional.of(response.body());
            });
        }

        @Override
        public CompletableFuture<Void> write(String blobName, byte[] content) {
            return call("PUT", blobName, HttpRequest.BodyPublishers.ofByteArray(content), content.length,
                    Map.of("x-ms-blob-type", "BlockBlob", "content-type", "application/octet-stream"))
                    .thenApply(response -> {
                        if (response.statusCode() != 201) {
                            throw refused("write " + blobName, response);
                        }
                        return null;
                    });
        }

        private CompletableFuture<HttpResponse<byte[]>> call(String method, String blobName,
                                                             HttpRequest.BodyPublisher body, long length,
                                                             Map<String, String> headers) {
            URI uri = URI.create(base + "/" + encodePath(blobName) + (sas == null ? "" : "?" + sas));
            if (sas == null) {
                String path = base.getRawPath().substring(storageEndpointPathLength()) + "/" + encodePath(blobName);
                return send(method, path, null, body, length, headers);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).method(method, body)
                    .header("x-ms-version", SERVICE_VERSION);
            headers.forEach(request::header);
            return sendAsync(request.build());
        }
    }

    private int storageEndpointPathLength() {
        String endpointPath = storage.blobEndpoint().getRawPath();
        return endpointPath == null ? 0 : endpointPath.length();
    }

    /** A request to the account's endpoint signed with Shared Key; {@code path} is below the endpoint, encoded. */
    private CompletableFuture<HttpResponse<byte[]>> send(String method, String path, String rawQuery,
                                                         HttpRequest.BodyPublisher body, long length,
                                                         Map<String, String> extraHeaders) {
        URI endpoint = storage.blobEndpoint();
        String rawPath = (endpoint.getRawPath() == null ? "" : endpoint.getRawPath()) + path;
        URI uri = URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + rawPath
                + (rawQuery == null ? "" : "?" + rawQuery));
        Map<String, String> signed = new TreeMap<>(extraHeaders);
        signed.put("x-ms-date", BlobXml.HTTP_DATE.format(clock.instant()));
        signed.put("x-ms-version", SERVICE_VERSION);
        if (length > 0) {
            signed.put("content-length", Long.toString(length));
        }
        String authorization = SharedKey.authorization(storage.account(), method, rawPath, rawQuery, signed);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).method(method, body)
                .header("Authorization", authorization);
        signed.forEach((name, value) -> {
            if (!name.equals("content-length")) {
                request.header(name, value);
            }
        });
        return sendAsync(request.build());
    }

    private CompletableFuture<HttpResponse<byte[]>> sendAsync(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .exceptionally(failure -> {
                    throw new BlobAccessException("Blob storage at " + request.uri().getRawAuthority()
                            + " could not be reached: " + failure.getMessage(), failure);
                });
    }

    private static String errorCode(HttpResponse<byte[]> response) {
        Optional<String> header = response.headers().firstValue("x-ms-error-code");
        if (header.isPresent()) {
            return header.get();
        }
        Matcher code = ERROR_CODE.matcher(new String(response.body() == null ? new byte[0] : response.body(),
                StandardCharsets.UTF_8));
        return code.find() ? code.group(1) : "";
    }

    private static BlobAccessException refused(String what, HttpResponse<byte[]> response) {
        return new BlobAccessException("Blob storage refused to " + what + ": HTTP " + response.statusCode() + " "
                + errorCode(response));
    }

    /** A blob name as a URL path: each segment percent-encoded, the slashes kept. */
    static String encodePath(String blobName) {
        StringBuilder path = new StringBuilder();
        for (String segment : blobName.split("/", -1)) {
            if (path.length() > 0 || blobName.startsWith("/")) {
                path.append('/');
            }
            path.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return path.toString();
    }
}
