package io.github.iothubquickstart.localhub.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.auth.SasVerifier;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.RegistryService;
import io.github.iothubquickstart.localhub.testing.InMemoryDeviceRegistry;
import io.github.iothubquickstart.localhub.testing.InMemoryProvisioningStore;
import io.github.iothubquickstart.localhub.testing.InMemoryTwinStore;
import io.github.iothubquickstart.localhub.testing.RecordingPresence;
import io.github.iothubquickstart.localhub.testing.TestClock;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import io.github.iothubquickstart.localhub.twin.TwinSections;
import io.github.iothubquickstart.localhub.twin.TwinService;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The DPS core a transport calls: authentication of a registration, assignment, reprovisioning, refusals. */
class DeviceRegistrationsTest {
    private static final String SCOPE = "0ne0000ABCD";
    private static final String HUB = "local-iothub.example";
    private static final String KEY = "c2VjcmV0LWtleS1vZi10aGUtZW5yb2xsbWVudC0xMjM0NQ==";
    private static final String OTHER_KEY = "b3RoZXIta2V5LW9mLXRoZS1lbnJvbGxtZW50LTk4NzY1NDM=";
    private static final String GROUP_KEY = "Z3JvdXAta2V5LW9mLXRoZS1lbnJvbGxtZW50LWdyb3VwLTE=";

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry(clock);
    private final InMemoryProvisioningStore store = new InMemoryProvisioningStore();
    private final ProvisioningService service = new ProvisioningService(store, SCOPE, clock);
    private final TwinService twins = new TwinService(new InMemoryTwinStore(registry, clock),
            (id, patch, version) -> { }, clock);
    private final DeviceRegistrations registrations = new DeviceRegistrations(service, store,
            new RegistryService(registry, new RecordingPresence(clock.instant())), twins, new SasVerifier(clock), HUB,
            clock);

    @Test
    void anIndividualEnrollmentsKeyAuthenticatesItsRegistration() {
        service.putIndividualEnrollment("sensor-1", null, symmetricKey(KEY, OTHER_KEY), null);

        AttestedDevice device = registrations.authenticate(SCOPE, "sensor-1", token("sensor-1", OTHER_KEY));

        assertThat(device.registrationId()).isEqualTo("sensor-1");
        assertThat(device.individualEnrollment()).isNotNull();
        assertThat(device.keys()).isEqualTo(new SymmetricKeyAttestation(KEY, OTHER_KEY));
    }

    @Test
    void aGroupMemberAuthenticatesWithTheKeyDerivedFromTheGroupKey() {
        service.putEnrollmentGroup("fleet", symmetricKey(GROUP_KEY, OTHER_KEY), null);
        String derived = DerivedKeys.derive(GROUP_KEY, "member-7");

        AttestedDevice device = registrations.authenticate(SCOPE, "member-7", token("member-7", derived));

        assertThat(device.enrollmentGroupId()).isEqualTo("fleet");
        assertThat(device.keys().primaryKey()).isEqualTo(derived);
        assertThat(device.keys().secondaryKey()).isEqualTo(DerivedKeys.derive(OTHER_KEY, "member-7"));
    }

    @Test
    void theDerivedKeyIsHmacSha256OfTheRegistrationIdUnderTheDecodedGroupKey() {
        // Computed independently with openssl, as Azure's docs derive a group member's key:
        // printf member-7 | openssl dgst -sha256 -mac HMAC -macopt hexkey:$(echo $GROUP_KEY | base64 -d | xxd -p -c256)
        //   -binary | base64
        assertThat(DerivedKeys.derive(GROUP_KEY, "member-7")).isEqualTo("/JXeVTgSgn/URDN2Pj23VXBn8tjVEG1MP+de1Fg9Nhk=");
    }

    @Test
    void everyAuthenticationFailureIs401002() {
        service.putIndividualEnrollment("sensor-1", null, symmetricKey(KEY, null), null);
        service.putEnrollmentGroup("fleet", symmetricKey(GROUP_KEY, null), null);

        assertUnauthorized(() -> registrations.authenticate(SCOPE, "sensor-1", token("sensor-1", OTHER_KEY)));
        assertUnauthorized(() -> registrations.authenticate("0ne00000000", "sensor-1", token("sensor-1", KEY)));
        assertUnauthorized(() -> registrations.authenticate(SCOPE, "sensor-1", token("sensor-2", KEY)));
        assertUnauthorized(() -> registrations.authenticate(SCOPE, "unknown", token("unknown", KEY)));
        // A group member must sign with its derived key, not the group key itself.
        assertUnauthorized(() -> registrations.authenticate(SCOPE, "member-7", token("member-7", GROUP_KEY)));
        assertUnauthorized(() -> registrations.authenticate(SCOPE, "sensor-1", "not a token"));
        String expired = SasSigner.sign(KEY, SCOPE + "/registrations/sensor-1", clock.instant().getEpochSecond() - 1,
                "registration");
        assertUnauthorized(() -> registrations.authenticate(SCOPE, "sensor-1", expired));
    }

    @Test
    void registeringCreatesTheDeviceWithTheEnrollmentsKeysAndAnswersAssigningThenAssigned() {
        service.putIndividualEnrollment("sensor-1", "thermostat", symmetricKey(KEY, OTHER_KEY), null);
        AttestedDevice device = registrations.authenticate(SCOPE, "sensor-1", token("sensor-1", KEY));
        JsonObject payload = JsonParser.parseString("{\"model\":\"t-100\"}").getAsJsonObject();

        RegistrationOperation started = registrations.register(device, "sensor-1", payload);
        RegistrationOperation polled = registrations.operationStatus(device, started.operationId());

        assertThat(started.status()).isEqualTo(RegistrationStatus.ASSIGNING);
        assertThat(started.registrationState()).isNull();
        assertThat(polled.status()).isEqualTo(RegistrationStatus.ASSIGNED);
        RegistrationState state = polled.registrationState();
        assertThat(state.assignedHub()).isEqualTo(HUB);
        assertThat(state.deviceId()).isEqualTo("thermostat");
        assertThat(state.substatus()).isEqualTo(RegistrationSubstatus.INITIAL_ASSIGNMENT);
        assertThat(state.payload()).isEqualTo(payload);
        DeviceIdentity identity = registry.findDevice("thermostat").orElseThrow();
        assertThat(identity.keys()).containsExactly(KEY, OTHER_KEY);
        assertThat(identity.enabled()).isTrue();
        assertThat(service.registrationState("sensor-1")).contains(state);
    }

    @Test
    void aGroupMemberBecomesADeviceNamedAfterItsRegistrationWithItsDerivedKeys() {
        service.putEnrollmentGroup("fleet", symmetricKey(GROUP_KEY, OTHER_KEY)
                .withCapabilities(new DeviceCapabilities(true)), null);
        String derived = DerivedKeys.derive(GROUP_KEY, "member-7");
        AttestedDevice device = registrations.authenticate(SCOPE, "member-7", token("member-7", derived));

        registrations.register(device, "member-7", null);

        DeviceIdentity identity = registry.findDevice("member-7").orElseThrow();
        assertThat(identity.keys()).containsExactly(derived, DerivedKeys.derive(OTHER_KEY, "member-7"));
        assertThat(identity.edge().iotEdge()).as("capabilities.iotEdge honoured").isTrue();
        assertThat(service.registrationStatesOfGroup("fleet")).extracting(RegistrationState::registrationId)
                .containsExactly("member-7");
    }

    @Test
    void theInitialTwinIsAppliedToANewDevice() {
        service.putIndividualEnrollment("sensor-1", null, symmetricKey(KEY, null).withInitialTwin(new InitialTwin(
                json("{\"site\":\"lab\"}"), json("{\"interval\":5}"))), null);

        register("sensor-1", KEY);

        TwinDocument twin = twins.get("sensor-1");
        assertThat(twin.tags()).isEqualTo(json("{\"site\":\"lab\"}"));
        assertThat(twin.desired()).isEqualTo(json("{\"interval\":5}"));
    }

    @Test
    void reRegisteringWithMigrationKeepsTheTwin() {
        service.putIndividualEnrollment("sensor-1", null, symmetricKey(KEY, null).withInitialTwin(new InitialTwin(
                null, json("{\"interval\":5}"))), null);
        register("sensor-1", KEY);
        twins.update("sensor-1", new TwinSections(null, json("{\"interval\":9}")), null);

        RegistrationState again = register("sensor-1", KEY);

        assertThat(again.status()).isEqualTo(RegistrationStatus.ASSIGNED);
        assertThat(again.substatus()).isEqualTo(RegistrationSubstatus.DEVICE_DATA_MIGRATED);
        assertThat(twins.get("sensor-1").desired()).isEqualTo(json("{\"interval\":9}"));
    }

    @Test
    void reRegisteringWithoutMigrationResetsTheTwinToTheInitialOne() {
        service.putIndividualEnrollment("sensor-1", null, symmetricKey(KEY, null)
                .withInitialTwin(new InitialTwin(null, json("{\"interval\":5}")))
                .withReprovisionPolicy(new ReprovisionPolicy(true, false)), null);
        register("sensor-1", KEY);
        twins.update("sensor-1", new TwinSections(null, json("{\"interval\":9,\"mode\":\"eco\"}")), null);

        RegistrationState again = register("sensor-1", KEY);

        assertThat(again.substatus()).isEqualTo(RegistrationSubstatus.DEVICE_DATA_RESET);
        assertThat(twins.get("sensor-1").desired()).isEqualTo(json("{\"interval\":5}"));
    }

    @Test
    void reRegisteringWithoutUpdatingTheAssignmentLeavesEverythingAsItWas() {
        service.putIndividualEnrollment("sensor-1", null, symmetricKey(KEY, OTHER_KEY)
                .withReprovisionPolicy(new ReprovisionPolicy(false, false)), null);
        RegistrationState first = register("sensor-1", KEY);
        // New keys in the enrollment do not reach the device that is not reprovisioned.
        service.putIndividualEnrollment("sensor-1", null, symmetricKey(OTHER_KEY, KEY)
                .withReprovisionPolicy(new ReprovisionPolicy(false, false)), null);
        clock.advance(Duration.ofMinutes(1));

        RegistrationState again = register("sensor-1", OTHER_KEY);

        assertThat(again).isEqualTo(first);
        assertThat(registry.findDevice("sensor-1").orElseThrow().keys()).containsExactly(KEY, OTHER_KEY);
    }

    @Test
    void aReprovisionedDeviceGetsTheEnrollmentsNewKeys() {
        service.putIndividualEnrollment("sensor-1", null, symmetricKey(KEY, OTHER_KEY), null);
        register("sensor-1", KEY);
        service.putIndividualEnrollment("sensor-1", null, symmetricKey(OTHER_KEY, KEY), null);

        register("sensor-1", OTHER_KEY);

        assertThat(registry.findDevice("sensor-1").orElseThrow().keys()).containsExactly(OTHER_KEY, KEY);
    }

    @Test
    void aDisabledEnrollmentEndsDisabledAndCreatesNoDevice() {
        service.putIndividualEnrollment("sensor-1", null, symmetricKey(KEY, null)
                .withProvisioningStatus(ProvisioningStatus.DISABLED), null);

        RegistrationState state = register("sensor-1", KEY);

        assertThat(state.status()).isEqualTo(RegistrationStatus.DISABLED);
        assertThat(state.errorCode()).isEqualTo(401002);
        assertThat(state.assignedHub()).isNull();
        assertThat(registry.findDevice("sensor-1")).isEmpty();
    }

    @Test
    void aDisabledGroupRefusesItsMembers() {
        service.putEnrollmentGroup("fleet", symmetricKey(GROUP_KEY, null)
                .withProvisioningStatus(ProvisioningStatus.DISABLED), null);

        RegistrationState state = register("member-7", DerivedKeys.derive(GROUP_KEY, "member-7"));

        assertThat(state.status()).isEqualTo(RegistrationStatus.DISABLED);
        assertThat(registry.findDevice("member-7")).isEmpty();
    }

    @Test
    void theBodyMustNameTheRegistrationTheDeviceAuthenticatedAs() {
        service.putIndividualEnrollment("sensor-1", null, symmetricKey(KEY, null), null);
        service.putIndividualEnrollment("sensor-2", null, symmetricKey(OTHER_KEY, null), null);
        AttestedDevice device = registrations.authenticate(SCOPE, "sensor-1", token("sensor-1", KEY));

        assertThatThrownBy(() -> registrations.register(device, "sensor-2", null))
                .isInstanceOfSatisfying(IotHubError.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
        assertThat(registry.findDevice("sensor-2")).isEmpty();
    }

    @Test
    void aDeviceCannotPollAnotherDevicesOperation() {
        service.putIndividualEnrollment("sensor-1", null, symmetricKey(KEY, null), null);
        service.putIndividualEnrollment("sensor-2", null, symmetricKey(OTHER_KEY, null), null);
        AttestedDevice first = registrations.authenticate(SCOPE, "sensor-1", token("sensor-1", KEY));
        AttestedDevice second = registrations.authenticate(SCOPE, "sensor-2", token("sensor-2", OTHER_KEY));
        String operationId = registrations.register(first, "sensor-1", null).operationId();

        assertThatThrownBy(() -> registrations.operationStatus(second, operationId))
                .isInstanceOfSatisfying(IotHubError.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
        assertThatThrownBy(() -> registrations.operationStatus(first, "4.unknown"))
                .isInstanceOfSatisfying(IotHubError.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
    }

    private RegistrationState register(String registrationId, String key) {
        AttestedDevice device = registrations.authenticate(SCOPE, registrationId, token(registrationId, key));
        String operationId = registrations.register(device, registrationId, null).operationId();
        return registrations.operationStatus(device, operationId).registrationState();
    }

    /** As the Java provisioning device client signs it: resource {scope}/registrations/{id}, an empty key name. */
    private String token(String registrationId, String key) {
        String signed = SasSigner.sign(key, SCOPE + "/registrations/" + registrationId,
                clock.instant().getEpochSecond() + 3600, null);
        return signed + "&skn=";
    }

    private static EnrollmentSettings symmetricKey(String primary, String secondary) {
        return EnrollmentSettings.of(Attestation.symmetricKey(primary, secondary));
    }

    private static void assertUnauthorized(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IotHubError.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.errorCode()).isEqualTo(401002);
        });
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }
}
