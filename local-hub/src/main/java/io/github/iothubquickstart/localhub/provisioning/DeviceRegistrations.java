package io.github.iothubquickstart.localhub.provisioning;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.iothubquickstart.localhub.auth.InvalidSasTokenException;
import io.github.iothubquickstart.localhub.auth.SasCheck;
import io.github.iothubquickstart.localhub.auth.SasToken;
import io.github.iothubquickstart.localhub.auth.SasVerifier;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.DeviceUpdate;
import io.github.iothubquickstart.localhub.registry.EdgeHierarchy;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.registry.RequestedAuthentication;
import io.github.iothubquickstart.localhub.twin.TwinSections;
import io.github.iothubquickstart.localhub.twin.TwinService;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a transport calls when a device registers with the Device Provisioning Service, whatever the protocol:
 * {@link #authenticate} its SAS token against its enrollment, {@link #register} it (assign it to this hub, create or
 * update its identity in the registry with the attested keys, apply the enrollment's initial twin, as the
 * enrollment's reprovision policy says), then answer its polls with {@link #operationStatus}. The registration is
 * done when {@code register} returns; as DPS, it still answers {@code assigning} first (202), and the first poll
 * gets the outcome. Blocking (registry and store are files): transports call it off the event loop. Failures are
 * {@link IotHubError}s with DPS's status and error code.
 */
public final class DeviceRegistrations {
    /** What DPS tells a device to wait before polling; the Java SDK never waits less than 2 seconds. */
    public static final int RETRY_AFTER_SECONDS = 2;
    /** Operations the hub still answers polls for; DPS forgets them too. */
    static final Duration OPERATION_LIFETIME = Duration.ofHours(1);
    static final int MAX_OPERATIONS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(DeviceRegistrations.class);

    private final ProvisioningService service;
    private final ProvisioningStore store;
    private final RegistryService registry;
    private final TwinService twins;
    private final SasVerifier verifier;
    private final String assignedHub;
    private final Clock clock;
    private final String operationPrefix;
    private final Map<String, KeptOperation> operations = new ConcurrentHashMap<>();

    private record KeptOperation(String registrationId, RegistrationOperation outcome, Instant createdAt) {
    }

    /** @param assignedHub the host name devices reach this hub by (as in its connection strings) */
    public DeviceRegistrations(ProvisioningService service, ProvisioningStore store, RegistryService registry,
                               TwinService twins, SasVerifier verifier, String assignedHub, Clock clock) {
        this.service = Objects.requireNonNull(service, "service");
        this.store = Objects.requireNonNull(store, "store");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.twins = Objects.requireNonNull(twins, "twins");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.assignedHub = Objects.requireNonNull(assignedHub, "assignedHub");
        this.clock = Objects.requireNonNull(clock, "clock");
        byte[] instance = new byte[8];
        new SecureRandom().nextBytes(instance);
        this.operationPrefix = "4." + HexFormat.of().formatHex(instance) + ".";
    }

    public String idScope() {
        return service.idScope();
    }

    /** The host name devices are assigned to. */
    public String assignedHub() {
        return assignedHub;
    }

    /**
     * Checks a device's SAS token (resource {@code {idScope}/registrations/{registrationId}}) against its individual
     * enrollment's keys or, without one, against each symmetric key group's key derived for {@code registrationId}.
     *
     * @throws IotHubError 401 (401002) for any failure: unknown scope or registration, wrong key or resource,
     *                     expired or malformed token (the reason is logged, never told to the device)
     */
    public AttestedDevice authenticate(String idScope, String registrationId, String sasToken) {
        if (!service.idScope().equals(idScope)) {
            throw refused(registrationId, "unknown ID scope '" + idScope + "' (this hub's is " + service.idScope()
                    + ")");
        }
        if (!RegistrationIds.isValid(registrationId)) {
            throw refused(registrationId, "the registration id is not valid");
        }
        SasToken token;
        try {
            token = SasToken.parse(sasToken);
        } catch (InvalidSasTokenException e) {
            throw refused(registrationId, e.getMessage());
        }
        String resource = idScope + "/registrations/" + registrationId;
        Optional<IndividualEnrollment> individual = store.individualEnrollment(registrationId);
        if (individual.isPresent()) {
            Attestation attestation = individual.get().settings().attestation();
            if (attestation.type() != AttestationType.SYMMETRIC_KEY) {
                throw refused(registrationId, "its enrollment attests by " + attestation.type().wireName()
                        + ", not a symmetric key");
            }
            requireValid(token, resource, attestation.symmetricKey().keys(), registrationId, "enrollment");
            return new AttestedDevice(idScope, registrationId, individual.get(), null, attestation.symmetricKey());
        }
        for (EnrollmentGroup group : store.enrollmentGroups()) {
            Attestation attestation = group.settings().attestation();
            if (attestation.type() != AttestationType.SYMMETRIC_KEY) {
                continue;
            }
            SymmetricKeyAttestation derived = derivedKeys(attestation.symmetricKey(), registrationId);
            if (verifier.check(token, resource, derived.keys()) == SasCheck.VALID) {
                return new AttestedDevice(idScope, registrationId, null, group, derived);
            }
        }
        throw refused(registrationId, "no individual enrollment, and no symmetric key enrollment group whose derived"
                + " key signed the token");
    }

    /**
     * Registers the device: the registration id in the request body must be the one it authenticated as.
     *
     * @param payload the device's custom payload (echoed in its registration state), or null
     * @return the operation, {@code assigning}
     */
    public RegistrationOperation register(AttestedDevice device, String requestedRegistrationId, JsonElement payload) {
        if (!device.registrationId().equals(requestedRegistrationId)) {
            throw ProvisioningErrors.badRequest("The registration id in the request ('"
                    + abbreviate(requestedRegistrationId) + "') is not the one the device authenticated as ('"
                    + device.registrationId() + "')");
        }
        RegistrationState outcome;
        synchronized (this) {
            outcome = assign(device, payload);
        }
        String operationId = operationPrefix + UUID.randomUUID();
        keep(operationId, device.registrationId(), new RegistrationOperation(operationId, outcome.status(), outcome));
        return new RegistrationOperation(operationId, RegistrationStatus.ASSIGNING, null);
    }

    /** @throws IotHubError 404 for an operation this device did not start, or one forgotten */
    public RegistrationOperation operationStatus(AttestedDevice device, String operationId) {
        KeptOperation kept = operationId == null ? null : operations.get(operationId);
        if (kept == null || !kept.registrationId().equals(device.registrationId())) {
            throw ProvisioningErrors.operationNotFound(abbreviate(operationId));
        }
        return kept.outcome();
    }

    private RegistrationState assign(AttestedDevice device, JsonElement payload) {
        EnrollmentSettings settings = device.settings();
        Instant now = clock.instant();
        Optional<RegistrationState> previous = store.registrationState(device.registrationId());
        Instant created = previous.map(RegistrationState::createdDateTimeUtc).orElse(now);
        if (!settings.enabled()) {
            LOG.info("DPS registration {} refused: its {} is disabled", device.registrationId(),
                    device.enrollmentGroup() == null ? "enrollment" : "enrollment group "
                            + device.enrollmentGroupId());
            return save(new RegistrationState(device.registrationId(), created, null, null,
                    RegistrationStatus.DISABLED, null, 401002, "Enrollment is disabled", now,
                    ProvisioningService.newEtag(), null, device.enrollmentGroupId()));
        }
        boolean wasAssigned = previous.map(state -> state.status() == RegistrationStatus.ASSIGNED).orElse(false);
        ReprovisionPolicy policy = settings.reprovisionPolicy();
        if (wasAssigned && !policy.updateHubAssignment()) {
            // DPS leaves the device where it was, data and all.
            return previous.get();
        }
        RegistrationSubstatus substatus = !wasAssigned ? RegistrationSubstatus.INITIAL_ASSIGNMENT
                : policy.migrateDeviceData() ? RegistrationSubstatus.DEVICE_DATA_MIGRATED
                : RegistrationSubstatus.DEVICE_DATA_RESET;
        try {
            boolean newIdentity = createOrUpdateIdentity(device);
            if (newIdentity || substatus == RegistrationSubstatus.DEVICE_DATA_RESET) {
                applyInitialTwin(device.deviceId(), settings.initialTwin());
            }
        } catch (IotHubError e) {
            LOG.info("DPS registration {} failed: device {} could not be provisioned ({})", device.registrationId(),
                    device.deviceId(), e.getMessage());
            return save(new RegistrationState(device.registrationId(), created, null, null, RegistrationStatus.FAILED,
                    null, e.errorCode(), e.getMessage(), now, ProvisioningService.newEtag(), null,
                    device.enrollmentGroupId()));
        }
        LOG.info("DPS registration {} assigned to {} as device {} ({})", device.registrationId(), assignedHub,
                device.deviceId(), substatus.wireName());
        return save(new RegistrationState(device.registrationId(), created, assignedHub, device.deviceId(),
                RegistrationStatus.ASSIGNED, substatus, null, null, now, ProvisioningService.newEtag(), payload,
                device.enrollmentGroupId()));
    }

    /** @return whether the identity was created (rather than found and given the attested keys) */
    private boolean createOrUpdateIdentity(AttestedDevice device) {
        SymmetricKeyAttestation keys = device.keys();
        boolean iotEdge = device.settings().capabilities().iotEdge();
        RequestedAuthentication authentication = RequestedAuthentication.sas(keys.primaryKey(),
                keys.secondaryKey() != null ? keys.secondaryKey() : keys.primaryKey());
        Optional<DeviceIdentity> existing = registry.identity(device.deviceId());
        if (existing.isEmpty()) {
            registry.create(device.deviceId(), new DeviceUpdate(authentication, true, null,
                    new EdgeHierarchy(iotEdge, null, null)));
            return true;
        }
        DeviceIdentity current = existing.get();
        registry.update(device.deviceId(), new DeviceUpdate(authentication, current.enabled(), null,
                new EdgeHierarchy(iotEdge, null, null)), null);
        return false;
    }

    private void applyInitialTwin(String deviceId, InitialTwin twin) {
        JsonObject tags = twin.tags();
        JsonObject desired = twin.desiredProperties();
        twins.replace(deviceId, new TwinSections(tags, desired), null);
    }

    private RegistrationState save(RegistrationState state) {
        return store.updateRegistrationState(state.registrationId(), current -> state);
    }

    private void keep(String operationId, String registrationId, RegistrationOperation outcome) {
        Instant now = clock.instant();
        if (operations.size() >= MAX_OPERATIONS) {
            operations.values().removeIf(kept -> kept.createdAt().plus(OPERATION_LIFETIME).isBefore(now));
            if (operations.size() >= MAX_OPERATIONS) {
                operations.entrySet().stream()
                        .min((a, b) -> a.getValue().createdAt().compareTo(b.getValue().createdAt()))
                        .ifPresent(oldest -> operations.remove(oldest.getKey()));
            }
        }
        operations.put(operationId, new KeptOperation(registrationId, outcome, now));
    }

    private void requireValid(SasToken token, String resource, List<String> keys, String registrationId,
                              String what) {
        SasCheck check = verifier.check(token, resource, keys);
        if (check != SasCheck.VALID) {
            throw refused(registrationId, switch (check) {
                case WRONG_RESOURCE -> "the token is for '" + abbreviate(token.resource()) + "', not " + resource;
                case BAD_SIGNATURE -> "the token is not signed with the " + what + "'s key";
                case EXPIRED -> "the token expired";
                case VALID -> throw new IllegalStateException();
            });
        }
    }

    static SymmetricKeyAttestation derivedKeys(SymmetricKeyAttestation groupKeys, String registrationId) {
        String primary = deriveOrNull(groupKeys.primaryKey(), registrationId);
        String secondary = deriveOrNull(groupKeys.secondaryKey(), registrationId);
        return new SymmetricKeyAttestation(primary, secondary);
    }

    private static String deriveOrNull(String groupKey, String registrationId) {
        if (groupKey == null || groupKey.isEmpty()) {
            return null;
        }
        try {
            return DerivedKeys.derive(groupKey, registrationId);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private static IotHubError refused(String registrationId, String reason) {
        LOG.info("DPS registration {} refused (401002 Unauthorized): {}", abbreviate(registrationId),
                abbreviate(reason));
        return ProvisioningErrors.unauthorized();
    }

    /** Shortened, and printable ASCII only: what devices send reaches the log. */
    private static String abbreviate(String text) {
        if (text == null) {
            return "null";
        }
        String shortened = text.length() <= 200 ? text : text.substring(0, 200) + "...";
        return shortened.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
