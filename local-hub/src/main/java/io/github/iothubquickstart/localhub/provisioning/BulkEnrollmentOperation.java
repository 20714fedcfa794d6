package io.github.iothubquickstart.localhub.provisioning;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * DPS's bulk operation on individual enrollments ({@code POST /enrollments}: at most 10, one mode for all), each
 * enrollment done or refused on its own; the refusals are reported per registration id with DPS's error code.
 */
public final class BulkEnrollmentOperation {
    public static final int MAX_ENROLLMENTS = 10;

    /** {@code mode}: create (fails where one exists), update (create or replace), updateIfMatchETag, delete. */
    public enum Mode {
        CREATE("create"),
        UPDATE("update"),
        UPDATE_IF_MATCH_ETAG("updateIfMatchETag"),
        DELETE("delete");

        private final String wireName;

        Mode(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** @throws IotHubError 400 for a mode DPS does not know */
        public static Mode fromWireName(String name) {
            for (Mode mode : values()) {
                if (mode.wireName.equalsIgnoreCase(name)) {
                    return mode;
                }
            }
            throw ProvisioningErrors.badRequest("The bulk operation's mode '" + name + "' is not one of create,"
                    + " update, updateIfMatchETag, delete.");
        }
    }

    /** One refused enrollment, as {@code BulkEnrollmentOperationError}. */
    public record Failure(String registrationId, int errorCode, String errorStatus) {
    }

    /** {@code isSuccessful} when nothing was refused. */
    public record Result(List<Failure> failures) {
        public Result {
            failures = List.copyOf(failures);
        }

        public boolean successful() {
            return failures.isEmpty();
        }
    }

    private final ProvisioningService provisioning;

    public BulkEnrollmentOperation(ProvisioningService provisioning) {
        this.provisioning = provisioning;
    }

    public Result run(Mode mode, List<IndividualEnrollment> requested) {
        if (requested.isEmpty() || requested.size() > MAX_ENROLLMENTS) {
            throw ProvisioningErrors.badRequest("A bulk operation takes 1 to " + MAX_ENROLLMENTS
                    + " enrollments, not " + requested.size() + ".");
        }
        Set<String> ids = new HashSet<>();
        for (IndividualEnrollment enrollment : requested) {
            if (!ids.add(enrollment.registrationId())) {
                throw ProvisioningErrors.badRequest("The bulk operation names enrollment "
                        + enrollment.registrationId() + " more than once.");
            }
        }
        List<Failure> failures = new ArrayList<>();
        for (IndividualEnrollment enrollment : requested) {
            try {
                apply(mode, enrollment);
            } catch (IotHubError e) {
                failures.add(new Failure(enrollment.registrationId(), e.errorCode(), e.getMessage()));
            }
        }
        return new Result(failures);
    }

    private void apply(Mode mode, IndividualEnrollment enrollment) {
        String id = enrollment.registrationId();
        switch (mode) {
            case CREATE -> {
                if (provisioning.individualEnrollment(id).isPresent()) {
                    throw ProvisioningErrors.enrollmentAlreadyExists(id);
                }
                put(enrollment, null);
            }
            case UPDATE -> put(enrollment, "*");
            case UPDATE_IF_MATCH_ETAG -> put(enrollment, requiredEtag(enrollment));
            case DELETE -> provisioning.deleteIndividualEnrollment(id, enrollment.etag());
        }
    }

    private void put(IndividualEnrollment enrollment, String ifMatch) {
        provisioning.putIndividualEnrollment(enrollment.registrationId(), enrollment.deviceId(),
                EnrollmentRules.complete(enrollment.settings(), false), ifMatch);
    }

    /** updateIfMatchETag without an ETag matches nothing. */
    private static String requiredEtag(IndividualEnrollment enrollment) {
        if (enrollment.etag() == null || enrollment.etag().isEmpty()) {
            throw ProvisioningErrors.preconditionFailed("updateIfMatchETag needs the enrollment's etag");
        }
        return enrollment.etag();
    }
}
