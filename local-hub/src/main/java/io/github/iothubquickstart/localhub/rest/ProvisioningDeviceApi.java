package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.provisioning.AttestedDevice;
import io.github.iothubquickstart.localhub.provisioning.DeviceRegistrations;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningErrors;
import io.github.iothubquickstart.localhub.provisioning.RegistrationOperation;
import io.github.iothubquickstart.localhub.wire.ProvisioningJson;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Device Provisioning Service's HTTPS API for devices (the provisioning SDKs' HTTPS transport), on the hub's HTTPS
 * listener: {@code PUT /{idScope}/registrations/{registrationId}/register} and
 * {@code GET /{idScope}/registrations/{registrationId}/operations/{operationId}}, each with the registration's SAS
 * token as {@code Authorization} (checked by the provisioning core), answered 202 with {@code Retry-After} while the
 * operation is in progress and 200 once it ended. No IoT Hub path has this shape, so neither API takes the other's
 * requests; other paths under an ID scope ({@code /0ne...}) are DPS's too and answered 404 in its terms. Every
 * failure is DPS's error JSON ({@code errorCode}, {@code trackingId}, {@code message}), never IoT Hub's.
 */
public final class ProvisioningDeviceApi {
    /** The registration JSON and its custom payload. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(ProvisioningDeviceApi.class);
    private static final String SEGMENT = "[^/]+";
    private static final String REGISTRATION = "/" + SEGMENT + "/registrations/" + SEGMENT;
    private static final String REGISTER = REGISTRATION + "/register";
    private static final String OPERATION = REGISTRATION + "/operations/" + SEGMENT;
    /** DPS's ID scopes: {@code 0ne} and hex digits. No IoT Hub path starts so. */
    private static final String UNDER_AN_ID_SCOPE = "/0ne[0-9A-Fa-f]{8}(/.*)?";

    private final DeviceRegistrations registrations;
    private final Clock clock;
    private final int maxRequestsInFlight;
    private final AtomicInteger requestsInFlight = new AtomicInteger();

    /**
     * @param maxRequestsInFlight registration requests served at once (the hub's cap on device connections); past it
     *                            429
     */
    public ProvisioningDeviceApi(DeviceRegistrations registrations, Clock clock, int maxRequestsInFlight) {
        this.registrations = registrations;
        this.clock = clock;
        this.maxRequestsInFlight = maxRequestsInFlight;
    }

    public void mountOn(Router router) {
        router.putWithRegex(REGISTER).handler(this::bounded).failureHandler(this::fail);
        router.putWithRegex(REGISTER)
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(context -> serve(context, true))
                .failureHandler(this::fail);
        router.getWithRegex(OPERATION).handler(this::bounded).handler(context -> serve(context, false))
                .failureHandler(this::fail);
        router.routeWithRegex(UNDER_AN_ID_SCOPE).handler(context -> {
            throw new IotHubError(404, 404001, "No Device Provisioning Service device API at "
                    + context.request().method() + " " + abbreviate(context.request().path()) + " (PUT /{idScope}"
                    + "/registrations/{registrationId}/register, GET .../operations/{operationId})");
        }).failureHandler(this::fail);
    }

    /** At most {@code maxRequestsInFlight} registration requests at once, each counted until its response ends. */
    private void bounded(RoutingContext context) {
        if (requestsInFlight.incrementAndGet() > maxRequestsInFlight) {
            requestsInFlight.decrementAndGet();
            throw new IotHubError(429, 429001, "The local Device Provisioning Service serves " + maxRequestsInFlight
                    + " requests at once; send again later.");
        }
        context.addEndHandler(ignored -> requestsInFlight.decrementAndGet());
        context.next();
    }

    private void serve(RoutingContext context, boolean register) {
        RegistrationPath path = RegistrationPath.parse(context.request().path())
                .filter(parsed -> parsed.isRegister() == register)
                .orElseThrow(() -> ProvisioningErrors.badRequest("Not a Device Provisioning Service device path: "
                        + abbreviate(context.request().path())));
        if (context.request().getParam("api-version") == null) {
            throw ProvisioningErrors.badRequest("The api-version query parameter is required.");
        }
        String token = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        String body = register && context.body().buffer() != null ? context.body().asString() : null;
        // The core reads its store and writes the registry: off the event loop.
        context.vertx().getOrCreateContext().executeBlocking(() -> {
            AttestedDevice device = registrations.authenticate(path.idScope(), path.registrationId(), token);
            if (!register) {
                return registrations.operationStatus(device, path.operationId());
            }
            ProvisioningJson.RegisterRequest request = ProvisioningJson.registerRequest(body);
            String registrationId = request.registrationId() != null ? request.registrationId()
                    : device.registrationId();
            return registrations.register(device, registrationId, request.payload());
        }, false).onComplete(done -> {
            if (done.failed()) {
                context.fail(done.cause());
                return;
            }
            answer(context, done.result());
        });
    }

    private static void answer(RoutingContext context, RegistrationOperation operation) {
        if (operation.inProgress()) {
            context.response().putHeader("Retry-After", String.valueOf(DeviceRegistrations.RETRY_AFTER_SECONDS));
        }
        context.response()
                .setStatusCode(operation.inProgress() ? 202 : 200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                .end(ProvisioningJson.operation(operation).toString());
    }

    /** DPS's error JSON for whatever failed on a DPS path, logged once. */
    private void fail(RoutingContext context) {
        Throwable failure = context.failure();
        if (failure instanceof HttpClosedException) {
            LOG.debug("A device closed its connection during {} {}", context.request().method(),
                    context.request().path());
            return;
        }
        IotHubError error;
        if (failure instanceof IotHubError dpsError) {
            error = dpsError;
            // A refused token was logged with its reason by the provisioning core.
            logUnlessRefusedToken(error, context);
        } else if (failure == null || (context.statusCode() >= 400 && context.statusCode() < 500)) {
            // Vert.x's own refusals: a body over the limit, a request it could not decode (no Host header...).
            error = statusError(context.statusCode());
            LOG.info("DPS {} {} answered {}{}", context.request().method(), abbreviate(context.request().path()),
                    error.httpStatus(), failure == null ? "" : ": " + failure.getMessage());
        } else {
            error = new IotHubError(500, 500000, "The local Device Provisioning Service could not handle the request.");
            LOG.warn("DPS {} {} failed", context.request().method(), abbreviate(context.request().path()), failure);
        }
        if (context.response().headWritten()) {
            context.response().reset();
            return;
        }
        context.response()
                .setStatusCode(error.httpStatus())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
                .end(ProvisioningJson.error(error, clock.instant()).toString());
    }

    private static void logUnlessRefusedToken(IotHubError error, RoutingContext context) {
        if (error.errorCode() != ProvisioningErrors.unauthorized().errorCode()) {
            LOG.info("DPS {} {} answered {} {}: {}", context.request().method(),
                    abbreviate(context.request().path()), error.httpStatus(), error.errorCode(), error.getMessage());
        }
    }

    private static IotHubError statusError(int status) {
        return switch (status) {
            case 413 -> new IotHubError(413, 413001, "The request body is larger than " + MAX_BODY_BYTES + " bytes.");
            case 404 -> new IotHubError(404, 404001, "Not found.");
            default -> status >= 400 && status < 500
                    ? new IotHubError(status, status * 1000 + 1, "Request refused (HTTP status " + status + ").")
                    : ProvisioningErrors.badRequest("Bad request.");
        };
    }

    private static String abbreviate(String text) {
        String shortened = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return shortened.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
