package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.auth.DeviceAuthenticator;
import io.github.iothubquickstart.localhub.cloudtodevice.CloudToDeviceQueues;
import io.github.iothubquickstart.localhub.connections.ConnectedDevices;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.telemetry.TelemetryFeed;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IoT Hub's HTTPS API for devices (the device SDKs' HTTPS transport): telemetry, single or batched
 * ({@code POST /devices/{id}/messages/events}, a module's under {@code /devices/{id}/modules/{mid}/}), and a device's
 * cloud-to-device messages ({@link HttpsCloudToDevice}). Each request carries its own SAS token
 * ({@code Authorization}), checked as an MQTT CONNECT is ({@link DeviceAuthenticator}), for the identity in its path:
 * a device's token does nothing for another device (401). A request without one, on a connection whose TLS handshake
 * presented a client certificate (the SDKs' X.509 devices, on 443), is authenticated by that certificate for the
 * identity in its path ({@code auth.CertificateAuthenticator}). A request is activity (lastActivityTime) but never a
 * connection: IoT Hub shows HTTPS devices as disconnected.
 */
public final class DeviceHttpsApi {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceHttpsApi.class);
    private static final String DEVICE = "/devices/(?<deviceId>[^/]+)";
    private static final String TELEMETRY = DEVICE + "(/modules/(?<moduleId>[^/]+))?/messages/events";
    private static final String DEVICE_BOUND = DEVICE + "/messages/(?i:devicebound)";

    private final HttpsDeviceAuthentication authentication;
    private final TelemetryFeed telemetry;
    private final HttpsCloudToDevice cloudToDevice;
    private final int maxRequestsInFlight;
    private final AtomicInteger requestsInFlight = new AtomicInteger();

    /**
     * @param maxRequestsInFlight device requests the hub serves at once (the hub's cap on device connections: each
     *                            request is a device at work); past it IoT Hub's 429 ThrottlingException
     */
    public DeviceHttpsApi(DeviceAuthenticator authenticator, ConnectedDevices devices, TelemetryFeed telemetry,
                          CloudToDeviceQueues queues, int maxRequestsInFlight, Clock clock) {
        this.authentication = new HttpsDeviceAuthentication(authenticator, devices, clock);
        this.telemetry = telemetry;
        this.cloudToDevice = new HttpsCloudToDevice(queues);
        this.maxRequestsInFlight = maxRequestsInFlight;
    }

    public void mountOn(Router router) {
        // Vert.x runs a route's body handler before its own: the cap and the size check are routes of their own.
        router.routeWithRegex(DEVICE + "(/modules/[^/]+)?/messages/.*").handler(this::bounded)
                .failureHandler(DeviceHttpsApi::quietWhenGone);
        router.postWithRegex(TELEMETRY).handler(DeviceHttpsApi::refuseTooLarge);
        router.postWithRegex(TELEMETRY)
                .handler(BodyHandler.create(false).setBodyLimit(HttpsTelemetry.MAX_MESSAGE_BYTES))
                .handler(new ApiVersionCheck())
                .handler(this::telemetry);
        router.getWithRegex(DEVICE_BOUND)
                .handler(new ApiVersionCheck())
                .handler(context -> cloudToDevice.receive(context, authenticated(context).deviceId()));
        router.deleteWithRegex(DEVICE_BOUND + "/(?<lockToken>[^/]+)")
                .handler(new ApiVersionCheck())
                .handler(this::completeOrReject);
        router.postWithRegex(DEVICE_BOUND + "/(?<lockToken>[^/]+)/abandon")
                .handler(BodyHandler.create(false).setBodyLimit(1024))
                .handler(new ApiVersionCheck())
                .handler(context -> cloudToDevice.abandon(context, authenticated(context).deviceId(),
                        context.pathParam("lockToken")));
    }

    /** At most {@code maxRequestsInFlight} device requests at once, each counted until its response ends. */
    private void bounded(RoutingContext context) {
        if (requestsInFlight.incrementAndGet() > maxRequestsInFlight) {
            requestsInFlight.decrementAndGet();
            throw IotHubErrors.throttled("The hub serves " + maxRequestsInFlight
                    + " device requests at once; send again later.");
        }
        context.addEndHandler(ignored -> requestsInFlight.decrementAndGet());
        context.next();
    }

    /** A device that goes away in the middle of its request is no error of the hub's: nothing to answer. */
    private static void quietWhenGone(RoutingContext context) {
        if (context.failure() instanceof HttpClosedException) {
            LOG.debug("A device closed its connection during {} {}", context.request().method(),
                    context.request().path());
            return;
        }
        context.next();
    }

    /** A declared length over the limit is refused before the body is read, with IoT Hub's 413. */
    private static void refuseTooLarge(RoutingContext context) {
        String length = context.request().getHeader("Content-Length");
        if (length != null) {
            try {
                long bytes = Long.parseLong(length.trim());
                if (bytes > HttpsTelemetry.MAX_MESSAGE_BYTES) {
                    throw HttpsTelemetry.tooLarge(bytes);
                }
            } catch (NumberFormatException e) {
                throw IotHubErrors.argumentInvalid("The Content-Length header is not a number.");
            }
        }
        context.next();
    }

    private void telemetry(RoutingContext context) {
        DeviceAuthenticator.Outcome sender = authenticate(context);
        IdentityId identity = sender.identity().orElseThrow();
        byte[] body = context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes();
        List<HttpsTelemetry> messages = HttpsTelemetry.fromRequest(context.request().headers(), body);
        // Every message checked before any is stored: a batch is all or nothing as far as the device can tell.
        CompletableFuture<?>[] stored = messages.stream()
                .map(message -> telemetry.accept(identity, sender.generationId(), message.systemProperties(),
                        message.applicationProperties(), message.body()))
                .toArray(CompletableFuture[]::new);
        Context loop = Vertx.currentContext();
        CompletableFuture.allOf(stored).whenComplete((ignored, failure) -> loop.runOnContext(none -> {
            if (failure == null) {
                context.response().setStatusCode(204).end();
            } else {
                LOG.warn("Telemetry of {} over HTTPS could not be stored: {}", identity, failure.getMessage());
                context.fail(IotHubErrors.serverError("The hub could not store the message; send it again."));
            }
        }));
    }

    private void completeOrReject(RoutingContext context) {
        IdentityId device = authenticated(context);
        String lockToken = context.pathParam("lockToken");
        // Node sends "&reject", the Java SDK "&%3Freject=true" (its "?reject" URL-encoded as a parameter name).
        boolean reject = context.queryParams().contains("reject") || context.queryParams().contains("?reject");
        if (reject) {
            cloudToDevice.reject(context, device.deviceId(), lockToken);
        } else {
            cloudToDevice.complete(context, device.deviceId(), lockToken);
        }
    }

    /** A device (never a module: the HTTPS devicebound routes are devices' only) authenticated for the path. */
    private IdentityId authenticated(RoutingContext context) {
        return authentication.device(context);
    }

    private DeviceAuthenticator.Outcome authenticate(RoutingContext context) {
        return authentication.authenticate(context);
    }
}
