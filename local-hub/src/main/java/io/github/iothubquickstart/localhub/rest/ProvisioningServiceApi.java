package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.provisioning.ProvisioningServiceAuthenticator;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;

/**
 * The Device Provisioning Service's service API, as {@code ProvisioningServiceClient} calls it, on the hub's HTTPS
 * listener beside IoT Hub's API: {@code /enrollments}, {@code /enrollmentGroups} and {@code /registrations}
 * (IoT Hub's paths are others; a device's DPS registration, {@code /{idScope}/registrations/...}, is not here). Every
 * call needs an {@code api-version} and a SAS token of the provisioning service's own policy; errors have DPS's body.
 * The store is a file, so the calls run off the event loop.
 */
public final class ProvisioningServiceApi {
    static final long MAX_BODY_BYTES = 512 * 1024;
    private static final String PATHS = "/(enrollments|enrollmentGroups|registrations)(/.*)?";

    private final ProvisioningServiceAuthenticator authenticator;
    private final EnrollmentRoutes enrollments;
    private final EnrollmentGroupRoutes groups;
    private final RegistrationStateRoutes registrations;
    private final ProvisioningErrorResponder errors;

    public ProvisioningServiceApi(ProvisioningServiceAuthenticator authenticator, EnrollmentRoutes enrollments,
                                  EnrollmentGroupRoutes groups, RegistrationStateRoutes registrations, Clock clock) {
        this.authenticator = authenticator;
        this.enrollments = enrollments;
        this.groups = groups;
        this.registrations = registrations;
        this.errors = new ProvisioningErrorResponder(clock);
    }

    public void mountOn(Router router) {
        router.routeWithRegex(PATHS)
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(new ApiVersionCheck())
                .handler(this::authorize)
                .failureHandler(errors::respond);
        router.post("/enrollments/query").blockingHandler(enrollments::query, false);
        router.post("/enrollments").blockingHandler(enrollments::bulk, false);
        router.put("/enrollments/:id").blockingHandler(enrollments::put, false);
        router.get("/enrollments/:id").blockingHandler(enrollments::get, false);
        router.delete("/enrollments/:id").blockingHandler(enrollments::delete, false);
        router.post("/enrollments/:id/attestationmechanism").blockingHandler(enrollments::attestation, false);
        router.post("/enrollmentGroups/query").blockingHandler(groups::query, false);
        router.put("/enrollmentGroups/:id").blockingHandler(groups::put, false);
        router.get("/enrollmentGroups/:id").blockingHandler(groups::get, false);
        router.delete("/enrollmentGroups/:id").blockingHandler(groups::delete, false);
        router.post("/enrollmentGroups/:id/attestationmechanism").blockingHandler(groups::attestation, false);
        router.post("/registrations/:id/query").blockingHandler(registrations::queryGroup, false);
        router.get("/registrations/:id").blockingHandler(registrations::get, false);
        router.delete("/registrations/:id").blockingHandler(registrations::delete, false);
    }

    private void authorize(RoutingContext context) {
        authenticator.authorize(context.request().getHeader("Authorization"));
        context.next();
    }
}
