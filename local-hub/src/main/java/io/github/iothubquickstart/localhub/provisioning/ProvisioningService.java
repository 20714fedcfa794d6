package io.github.iothubquickstart.localhub.provisioning;

import io.github.iothubquickstart.localhub.registry.ETags;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The Device Provisioning Service's management side, whatever asks (the service REST API, the CLI, a test through
 * {@code LocalHub.provisioning()}): individual enrollments, enrollment groups and registration states, with DPS's
 * ETag rules ({@code ifMatch}: the caller's ETag, {@code *} or null for "whatever is current"). Failures are
 * {@link io.github.iothubquickstart.localhub.errors.IotHubError}s with DPS's status and error code. Blocking (the
 * store is a file): transports call it off the event loop.
 */
public final class ProvisioningService {
    private final ProvisioningStore store;
    private final Clock clock;
    private final String idScope;

    public ProvisioningService(ProvisioningStore store, String idScope, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.idScope = Objects.requireNonNull(idScope, "idScope");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The ID scope devices name in their registrations ({@code 0ne...}). */
    public String idScope() {
        return idScope;
    }

    /**
     * Creates the enrollment, or replaces it (keeping its creation time) when {@code ifMatch} allows.
     *
     * @param deviceId the device id to create, or null for the registration id
     */
    public IndividualEnrollment putIndividualEnrollment(String registrationId, String deviceId,
                                                        EnrollmentSettings settings, String ifMatch) {
        RegistrationIds.require(registrationId, "registrationId");
        requireSupported(settings);
        return store.updateIndividualEnrollment(registrationId, current -> {
            current.ifPresent(existing -> requireMatch(existing.etag(), ifMatch, "individual enrollment"));
            Instant now = clock.instant();
            Instant created = current.map(IndividualEnrollment::createdDateTimeUtc).orElse(now);
            return new IndividualEnrollment(registrationId, emptyToNull(deviceId), settings, newEtag(), created, now);
        });
    }

    public Optional<IndividualEnrollment> individualEnrollment(String registrationId) {
        return store.individualEnrollment(registrationId);
    }

    public List<IndividualEnrollment> individualEnrollments() {
        return store.individualEnrollments();
    }

    /** @throws io.github.iothubquickstart.localhub.errors.IotHubError 404 if absent, 412 on a stale ETag */
    public void deleteIndividualEnrollment(String registrationId, String ifMatch) {
        boolean deleted = store.deleteIndividualEnrollment(registrationId,
                existing -> requireMatch(existing.etag(), ifMatch, "individual enrollment"));
        if (!deleted) {
            throw ProvisioningErrors.enrollmentNotFound("Enrollment '" + registrationId + "'");
        }
    }

    public EnrollmentGroup putEnrollmentGroup(String enrollmentGroupId, EnrollmentSettings settings, String ifMatch) {
        RegistrationIds.require(enrollmentGroupId, "enrollmentGroupId");
        requireSupported(settings);
        if (settings.attestation().type() == AttestationType.X509
                && settings.attestation().x509().clientCertificates() != null) {
            throw ProvisioningErrors.badRequest("An enrollment group's X.509 attestation takes signing certificates"
                    + " or CA references, not client certificates");
        }
        return store.updateEnrollmentGroup(enrollmentGroupId, current -> {
            current.ifPresent(existing -> requireMatch(existing.etag(), ifMatch, "enrollment group"));
            Instant now = clock.instant();
            Instant created = current.map(EnrollmentGroup::createdDateTimeUtc).orElse(now);
            return new EnrollmentGroup(enrollmentGroupId, settings, newEtag(), created, now);
        });
    }

    public Optional<EnrollmentGroup> enrollmentGroup(String enrollmentGroupId) {
        return store.enrollmentGroup(enrollmentGroupId);
    }

    public List<EnrollmentGroup> enrollmentGroups() {
        return store.enrollmentGroups();
    }

    public void deleteEnrollmentGroup(String enrollmentGroupId, String ifMatch) {
        boolean deleted = store.deleteEnrollmentGroup(enrollmentGroupId,
                existing -> requireMatch(existing.etag(), ifMatch, "enrollment group"));
        if (!deleted) {
            throw ProvisioningErrors.enrollmentGroupNotFound("Enrollment group '" + enrollmentGroupId + "'");
        }
    }

    public Optional<RegistrationState> registrationState(String registrationId) {
        return store.registrationState(registrationId);
    }

    public List<RegistrationState> registrationStates() {
        return store.registrationStates();
    }

    /** The registrations made through one enrollment group. */
    public List<RegistrationState> registrationStatesOfGroup(String enrollmentGroupId) {
        return store.registrationStates().stream()
                .filter(state -> enrollmentGroupId.equals(state.enrollmentGroupId()))
                .toList();
    }

    /** Forgets a registration (the device identity stays in the registry, as in DPS). */
    public void deleteRegistrationState(String registrationId, String ifMatch) {
        boolean deleted = store.deleteRegistrationState(registrationId,
                existing -> requireMatch(existing.etag(), ifMatch, "registration state"));
        if (!deleted) {
            throw ProvisioningErrors.registrationNotFound(registrationId);
        }
    }

    static String newEtag() {
        return UUID.randomUUID().toString();
    }

    private static void requireSupported(EnrollmentSettings settings) {
        Objects.requireNonNull(settings, "settings");
    }

    private static void requireMatch(String currentEtag, String ifMatch, String what) {
        String wanted = ETags.unquote(ifMatch);
        if (wanted != null && !"*".equals(wanted) && !wanted.equals(currentEtag)) {
            throw ProvisioningErrors.preconditionFailed("the " + what + " has ETag " + currentEtag + ", not "
                    + wanted);
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
