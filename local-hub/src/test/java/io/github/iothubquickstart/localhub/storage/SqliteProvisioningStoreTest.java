package io.github.iothubquickstart.localhub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.provisioning.Attestation;
import io.github.iothubquickstart.localhub.provisioning.DeviceCapabilities;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentGroup;
import io.github.iothubquickstart.localhub.provisioning.EnrollmentSettings;
import io.github.iothubquickstart.localhub.provisioning.IdScopes;
import io.github.iothubquickstart.localhub.provisioning.IndividualEnrollment;
import io.github.iothubquickstart.localhub.provisioning.InitialTwin;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningService;
import io.github.iothubquickstart.localhub.provisioning.ProvisioningStatus;
import io.github.iothubquickstart.localhub.provisioning.RegistrationState;
import io.github.iothubquickstart.localhub.provisioning.RegistrationStatus;
import io.github.iothubquickstart.localhub.provisioning.RegistrationSubstatus;
import io.github.iothubquickstart.localhub.provisioning.ReprovisionPolicy;
import io.github.iothubquickstart.localhub.provisioning.X509Attestation;
import io.github.iothubquickstart.localhub.provisioning.X509CaReferences;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * provisioning.db keeps the ID scope, enrollments and registration states across restarts, and two processes
 * sharing it (the hub and the CLI) see each other's writes and cannot overwrite each other's with a stale ETag.
 */
class SqliteProvisioningStoreTest {
    @TempDir
    Path directory;

    @Test
    void theIdScopeIsMadeOnceAndKept() {
        Path file = directory.resolve("provisioning.db");
        String first;
        try (SqliteProvisioningStore store = SqliteProvisioningStore.open(file)) {
            first = store.idScope(() -> IdScopes.generate(new SecureRandom()));
        }
        try (SqliteProvisioningStore store = SqliteProvisioningStore.open(file)) {
            assertThat(store.idScope(() -> "0ne99999999")).isEqualTo(first);
        }
        assertThat(IdScopes.isValid(first)).as(first).isTrue();
    }

    @Test
    void enrollmentsAndRegistrationStatesSurviveAReopenWithEveryField() {
        Path file = directory.resolve("provisioning.db");
        IndividualEnrollment individual;
        EnrollmentGroup group;
        RegistrationState state = new RegistrationState("sensor-1", Instant.parse("2026-01-01T00:00:00Z"), "hub.local",
                "thermostat", RegistrationStatus.ASSIGNED, RegistrationSubstatus.DEVICE_DATA_RESET, null, null,
                Instant.parse("2026-01-02T00:00:00Z"), "etag-1", JsonParser.parseString("{\"a\":[1,2]}"), "fleet");
        try (SqliteProvisioningStore store = SqliteProvisioningStore.open(file)) {
            ProvisioningService service = new ProvisioningService(store, "0ne0000ABCD", Clock.systemUTC());
            individual = service.putIndividualEnrollment("sensor-1", "thermostat",
                    EnrollmentSettings.of(Attestation.symmetricKey("a2V5LTE=", "a2V5LTI="))
                            .withInitialTwin(new InitialTwin(JsonParser.parseString("{\"t\":1}").getAsJsonObject(),
                                    JsonParser.parseString("{\"d\":{\"x\":true}}").getAsJsonObject()))
                            .withReprovisionPolicy(new ReprovisionPolicy(false, true))
                            .withCapabilities(new DeviceCapabilities(true))
                            .withProvisioningStatus(ProvisioningStatus.DISABLED), null);
            group = service.putEnrollmentGroup("fleet", EnrollmentSettings.of(Attestation.x509(
                    X509Attestation.caReferences(new X509CaReferences("root-ca", null)))), null);
            store.updateRegistrationState("sensor-1", current -> state);
        }
        try (SqliteProvisioningStore store = SqliteProvisioningStore.open(file)) {
            assertThat(store.individualEnrollment("sensor-1")).contains(individual);
            assertThat(store.enrollmentGroups()).containsExactly(group);
            assertThat(store.registrationState("sensor-1")).contains(state);
            assertThat(store.registrationStates()).containsExactly(state);
        }
    }

    @Test
    void aSecondProcessSeesWritesAndAStaleEtagChangesNothing() {
        Path file = directory.resolve("provisioning.db");
        try (SqliteProvisioningStore hub = SqliteProvisioningStore.open(file);
             SqliteProvisioningStore cli = SqliteProvisioningStore.open(file)) {
            ProvisioningService hubSide = new ProvisioningService(hub, "0ne0000ABCD", Clock.systemUTC());
            ProvisioningService cliSide = new ProvisioningService(cli, "0ne0000ABCD", Clock.systemUTC());
            IndividualEnrollment created = cliSide.putIndividualEnrollment("sensor-1", null,
                    EnrollmentSettings.of(Attestation.symmetricKey("a2V5LTE=", null)), null);
            IndividualEnrollment updated = hubSide.putIndividualEnrollment("sensor-1", null,
                    EnrollmentSettings.of(Attestation.symmetricKey("a2V5LTM=", null)), created.etag());

            assertThatThrownBy(() -> cliSide.putIndividualEnrollment("sensor-1", null,
                    EnrollmentSettings.of(Attestation.symmetricKey("a2V5LTQ=", null)), created.etag()))
                    .isInstanceOfSatisfying(IotHubError.class, e -> assertThat(e.httpStatus()).isEqualTo(412));
            assertThatThrownBy(() -> cliSide.deleteIndividualEnrollment("sensor-1", created.etag()))
                    .isInstanceOfSatisfying(IotHubError.class, e -> assertThat(e.httpStatus()).isEqualTo(412));

            assertThat(cli.individualEnrollment("sensor-1")).contains(updated);
            assertThat(updated.createdDateTimeUtc()).isEqualTo(created.createdDateTimeUtc());
            cliSide.deleteIndividualEnrollment("sensor-1", "\"" + updated.etag() + "\"");
            assertThat(hub.individualEnrollment("sensor-1")).isEmpty();
            assertThatThrownBy(() -> hubSide.deleteIndividualEnrollment("sensor-1", null))
                    .isInstanceOfSatisfying(IotHubError.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
        }
    }
}
