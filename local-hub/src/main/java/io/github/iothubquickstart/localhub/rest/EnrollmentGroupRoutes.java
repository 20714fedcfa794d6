package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.provisioning.EnrollmentGroup;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentRules;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningErrors;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningService;
import io.github.iothubquickstart.localhub.provisioning.QueryPage;
import io.github.iothubquickstart.localhub.provisioning.QueryPaging;
import io.vertx.ext.web.RoutingContext;

/**
 * DPS's enrollment groups: {@code PUT|GET|DELETE /enrollmentGroups/{id}} ({@code If-Match} on PUT and DELETE),
 * {@code POST /enrollmentGroups/{id}/attestationmechanism} and {@code POST /enrollmentGroups/query}.
 */
public final class EnrollmentGroupRoutes {
    private final ProvisioningService provisioning;

    public EnrollmentGroupRoutes(ProvisioningService provisioning) {
        this.provisioning = provisioning;
    }

    void put(RoutingContext context) {
        EnrollmentGroup requested = EnrollmentJson.enrollmentGroup(ProvisioningResponses.requireObject(context),
                context.pathParam("id"));
        EnrollmentGroup kept = provisioning.putEnrollmentGroup(requested.enrollmentGroupId(),
                EnrollmentRules.complete(requested.settings(), true), context.request().getHeader("If-Match"));
        ProvisioningResponses.ok(context, EnrollmentJson.toJson(kept));
    }

    void get(RoutingContext context) {
        ProvisioningResponses.ok(context, EnrollmentJson.toJson(find(context.pathParam("id"))));
    }

    void attestation(RoutingContext context) {
        ProvisioningResponses.ok(context,
                EnrollmentJson.attestationToJson(find(context.pathParam("id")).settings().attestation()));
    }

    void delete(RoutingContext context) {
        provisioning.deleteEnrollmentGroup(context.pathParam("id"), context.request().getHeader("If-Match"));
        ProvisioningResponses.deleted(context);
    }

    void query(RoutingContext context) {
        var request = ProvisioningResponses.QueryRequest.of(context);
        QueryPaging.requireSelectAll(request.query());
        QueryPage<EnrollmentGroup> page = QueryPaging.page(provisioning.enrollmentGroups(),
                EnrollmentGroup::enrollmentGroupId, request.pageSize(), request.continuationToken());
        ProvisioningResponses.page(context, page, "enrollmentGroup", EnrollmentJson::toJson);
    }

    private EnrollmentGroup find(String groupId) {
        return provisioning.enrollmentGroup(groupId)
                .orElseThrow(() -> ProvisioningErrors.enrollmentGroupNotFound("Enrollment group '" + groupId + "'"));
    }
}
