package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.provisioning.ProvisioningErrors;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningService;
import io.github.iothubquickstart.localhub.provisioning.QueryPage;
import io.github.iothubquickstart.localhub.provisioning.QueryPaging;
import io.github.iothubquickstart.localhub.provisioning.RegistrationState;
import io.github.iothubquickstart.localhub.wire.ProvisioningJson;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * DPS's registration states: {@code GET|DELETE /registrations/{registrationId}} and the registrations of one
 * enrollment group, {@code POST /registrations/{groupId}/query}.
 */
public final class RegistrationStateRoutes {
    private final ProvisioningService provisioning;

    public RegistrationStateRoutes(ProvisioningService provisioning) {
        this.provisioning = provisioning;
    }

    void get(RoutingContext context) {
        String registrationId = context.pathParam("id");
        RegistrationState state = provisioning.registrationState(registrationId)
                .orElseThrow(() -> ProvisioningErrors.registrationNotFound(registrationId));
        ProvisioningResponses.ok(context, ProvisioningJson.registrationState(state));
    }

    void delete(RoutingContext context) {
        provisioning.deleteRegistrationState(context.pathParam("id"), context.request().getHeader("If-Match"));
        ProvisioningResponses.deleted(context);
    }

    /** A group never heard of (neither kept nor named by a registration) is DPS's 404204. */
    void queryGroup(RoutingContext context) {
        String groupId = context.pathParam("id");
        var request = ProvisioningResponses.QueryRequest.of(context);
        QueryPaging.requireSelectAll(request.query());
        List<RegistrationState> ofGroup = provisioning.registrationStatesOfGroup(groupId);
        if (ofGroup.isEmpty() && provisioning.enrollmentGroup(groupId).isEmpty()) {
            throw ProvisioningErrors.enrollmentGroupNotFound("Enrollment group '" + groupId + "'");
        }
        QueryPage<RegistrationState> page = QueryPaging.page(ofGroup, RegistrationState::registrationId,
                request.pageSize(), request.continuationToken());
        ProvisioningResponses.page(context, page, "deviceRegistration", ProvisioningJson::registrationState);
    }
}
