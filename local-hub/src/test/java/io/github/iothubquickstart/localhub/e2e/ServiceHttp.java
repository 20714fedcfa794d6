package io.github.iothubquickstart.localhub.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Raw HTTPS to the hub's service endpoint, for the REST calls the Java service SDK 2.1.9 has no method for (bulk
 * registry operations, service statistics, purging a cloud-to-device queue, a twin PATCH with a section null): signed with a shared access policy, trusting only the hub's CA.
 */
final class ServiceHttp {
    static final String API_VERSION = "2021-04-12";

    private final TestHub hub;

    ServiceHttp(TestHub hub) {
        this.hub = hub;
    }

    HttpResponse<String> get(String path, String policy) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET(), policy);
    }

    HttpResponse<String> post(String path, String body, String policy) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)), policy);
    }

    HttpResponse<String> patch(String path, String body, String policy) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).method("PATCH", HttpRequest.BodyPublishers.ofString(body)), policy);
    }

    HttpResponse<String> put(String path, String body, String ifMatch, String policy) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.ofString(body));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return send(request, policy);
    }

    HttpResponse<String> delete(String path, String policy) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).DELETE(), policy);
    }

    private URI uri(String path) {
        return URI.create("https://" + hub.hub.serviceHost() + path + "?api-version=" + API_VERSION);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String policy) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(hub.trustHubCa).connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(request.header("Authorization", hub.sasToken(policy))
                        .header("Content-Type", "application/json; charset=utf-8").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
