package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.registry.CaCertificate;
import io.github.iothubquickstart.localhub.registry.CaCertificates;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /certificates}: the hub's trusted CA certificates, read-only, for the dashboard (REGISTRY_READ). IoT Hub
 * lists them on its Azure Resource Manager API, not the service API the SDKs call; this answer takes that list's
 * shape ({@code value[].name}, {@code properties.subject}, {@code thumbprint} (SHA-1), {@code expiry}, {@code created},
 * {@code isVerified}) with ISO 8601 times and the SHA-256 thumbprint added. Changes go through the CLI only.
 */
public final class CaCertificateRoutes {
    private final ServiceAuthenticator authenticator;
    private final CaCertificates certificates;

    public CaCertificateRoutes(ServiceAuthenticator authenticator, CaCertificates certificates) {
        this.authenticator = authenticator;
        this.certificates = certificates;
    }

    void list(RoutingContext context) {
        authenticator.authorize(context.request().getHeader("Authorization"), AccessRight.REGISTRY_READ);
        JsonArray value = new JsonArray();
        for (CaCertificate certificate : certificates.list()) {
            JsonObject properties = new JsonObject();
            properties.addProperty("subject", certificate.subject());
            properties.addProperty("thumbprint", certificate.sha1Thumbprint());
            properties.addProperty("thumbprintSha256", certificate.sha256Thumbprint());
            properties.addProperty("expiry", certificate.notAfter().toString());
            properties.addProperty("created", certificate.added().toString());
            properties.addProperty("isVerified", true);
            JsonObject entry = new JsonObject();
            entry.addProperty("name", certificate.name());
            entry.add("properties", properties);
            value.add(entry);
        }
        JsonObject body = new JsonObject();
        body.add("value", value);
        JsonResponses.ok(context, body, null);
    }
}
