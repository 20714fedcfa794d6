package io.github.iothubquickstart.localhub.rest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.provisioning.BulkEnrollmentOperation;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentRules;
import io.github.iothubquickstart.localhub.provisioning.IndividualEnrollment;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningErrors;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningService;
import io.github.iothubquickstart.localhub.provisioning.QueryPage;
import io.github.iothubquickstart.localhub.provisioning.QueryPaging;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * DPS's individual enrollments: {@code PUT|GET|DELETE /enrollments/{registrationId}} ({@code If-Match} on PUT and
 * DELETE), {@code POST /enrollments/{id}/attestationmechanism}, the bulk {@code POST /enrollments} and
 * {@code POST /enrollments/query}.
 */
public final class EnrollmentRoutes {
    private final ProvisioningService provisioning;
    private final BulkEnrollmentOperation bulk;

    public EnrollmentRoutes(ProvisioningService provisioning) {
        this.provisioning = provisioning;
        this.bulk = new BulkEnrollmentOperation(provisioning);
    }

    void put(RoutingContext context) {
        IndividualEnrollment requested = EnrollmentJson.individualEnrollment(ProvisioningResponses.requireObject(context),
                context.pathParam("id"));
        IndividualEnrollment kept = provisioning.putIndividualEnrollment(requested.registrationId(),
                requested.deviceId(), EnrollmentRules.complete(requested.settings(), false),
                context.request().getHeader("If-Match"));
        ProvisioningResponses.ok(context, toJson(kept));
    }

    void get(RoutingContext context) {
        ProvisioningResponses.ok(context, toJson(find(context.pathParam("id"))));
    }

    void attestation(RoutingContext context) {
        ProvisioningResponses.ok(context,
                EnrollmentJson.attestationToJson(find(context.pathParam("id")).settings().attestation()));
    }

    void delete(RoutingContext context) {
        provisioning.deleteIndividualEnrollment(context.pathParam("id"), context.request().getHeader("If-Match"));
        ProvisioningResponses.deleted(context);
    }

    void query(RoutingContext context) {
        var request = ProvisioningResponses.QueryRequest.of(context);
        QueryPaging.requireSelectAll(request.query());
        QueryPage<IndividualEnrollment> page = QueryPaging.page(provisioning.individualEnrollments(),
                IndividualEnrollment::registrationId, request.pageSize(), request.continuationToken());
        ProvisioningResponses.page(context, page, "enrollment", this::toJson);
    }

    /** {@code {"mode":"create|update|updateIfMatchETag|delete","enrollments":[...]}}, answered per enrollment. */
    void bulk(RoutingContext context) {
        JsonObject body = ProvisioningResponses.requireObject(context);
        JsonElement mode = body.get("mode");
        if (mode == null || !mode.isJsonPrimitive()) {
            throw ProvisioningErrors.badRequest("The bulk operation names no mode.");
        }
        JsonElement enrollments = body.get("enrollments");
        if (enrollments == null || !enrollments.isJsonArray()) {
            throw ProvisioningErrors.badRequest("The bulk operation's enrollments must be an array.");
        }
        List<IndividualEnrollment> requested = new ArrayList<>();
        for (JsonElement enrollment : enrollments.getAsJsonArray()) {
            requested.add(EnrollmentJson.bulkEnrollment(enrollment));
        }
        BulkEnrollmentOperation.Result result = bulk.run(BulkEnrollmentOperation.Mode.fromWireName(mode.getAsString()),
                requested);
        JsonObject answer = new JsonObject();
        answer.addProperty("isSuccessful", result.successful());
        JsonArray errors = new JsonArray();
        for (BulkEnrollmentOperation.Failure failure : result.failures()) {
            JsonObject error = new JsonObject();
            error.addProperty("registrationId", failure.registrationId());
            error.addProperty("errorCode", failure.errorCode());
            error.addProperty("errorStatus", failure.errorStatus());
            errors.add(error);
        }
        answer.add("errors", errors);
        ProvisioningResponses.ok(context, answer);
    }

    private IndividualEnrollment find(String registrationId) {
        return provisioning.individualEnrollment(registrationId)
                .orElseThrow(() -> ProvisioningErrors.enrollmentNotFound("Enrollment '" + registrationId + "'"));
    }

    private JsonObject toJson(IndividualEnrollment enrollment) {
        return EnrollmentJson.toJson(enrollment, provisioning.registrationState(enrollment.registrationId())
                .filter(state -> state.enrollmentGroupId() == null));
    }
}
