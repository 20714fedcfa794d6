package io.github.iothubquickstart.localhubclient;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Calls on one kind of resource of a running local hub's REST API ({@code /devices/{id}}, {@code /enrollments/{id}}):
 * the request, signed with a policy the hub published, and the failures named for the user, with the hub's own
 * message. What {@link LocalHubRegistryClient} and {@link LocalHubEnrollmentClient} share.
 */
final class HubResourceCalls {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TOKEN_VALIDITY = Duration.ofMinutes(5);

    private final RunningHub hub;
    private final HttpClient http;
    private final Clock clock;
    private final String collection;
    private final String kind;
    private final PolicyKey policy;
    private final String apiVersion;

    /**
     * @param collection the path's first segment, e.g. {@code devices}
     * @param kind       what one resource is called in messages, e.g. {@code device}
     */
    HubResourceCalls(RunningHub hub, SSLContext trust, Clock clock, String collection, String kind, PolicyKey policy,
                     String apiVersion) {
        this.hub = hub;
        this.clock = clock;
        this.collection = collection;
        this.kind = kind;
        this.policy = policy;
        this.apiVersion = apiVersion;
        this.http = HttpClient.newBuilder().sslContext(trust).connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    HttpRequest.Builder request(String id) {
        URI uri = URI.create("https://" + hub.hostName() + ":" + hub.httpsPort() + "/" + collection + "/"
                + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20") + "?api-version=" + apiVersion);
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Authorization", ServiceSasToken.create(hub.hostName(), policy,
                        clock.instant().plus(TOKEN_VALIDITY)))
                .header("Accept", "application/json");
    }

    HttpResponse<String> send(HttpRequest.Builder request, String method, String id) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new LocalHubClientException("cannot reach the local hub at " + hub.hostName() + ":" + hub.httpsPort()
                    + " to " + method + " " + kind + " " + id + " (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalHubClientException("interrupted while asking the local hub for " + kind + " " + id, e);
        }
    }

    void requireSuccess(HttpResponse<String> response, String method, String id) {
        if (response.statusCode() / 100 != 2) {
            throw failure(method, id, response);
        }
    }

    LocalHubClientException failure(String method, String id, HttpResponse<String> response) {
        return new LocalHubClientException("the local hub at " + hub.hostName() + ":" + hub.httpsPort() + " answered "
                + method + " /" + collection + "/" + id + " with HTTP " + response.statusCode()
                + messageIn(response.body()));
    }

    private static String messageIn(String body) {
        try {
            JsonElement message = JsonParser.parseString(body).getAsJsonObject().get("message");
            return message != null && message.isJsonPrimitive() ? ": " + message.getAsString() : "";
        } catch (JsonParseException | IllegalStateException e) {
            return "";
        }
    }
}
