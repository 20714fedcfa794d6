package io.github.iothubquickstart.localhub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.auth.DeviceAuthenticator;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.auth.SasVerifier;
import io.github.iothubquickstart.localhub.auth.ServiceAuthenticator;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.github.iothubquickstart.localhub.registry.SymmetricKeys;
import io.github.iothubquickstart.localhub.testing.InMemoryDeviceRegistry;
import io.github.iothubquickstart.localhub.testing.TestClock;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClaimsBasedSecurityTest {
    private static final String HUB = "hub.local";
    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry(clock);
    private final ClaimsBasedSecurity security = new ClaimsBasedSecurity(
            new DeviceAuthenticator(registry, registry, new SasVerifier(clock), Set.of(HUB)),
            new ServiceAuthenticator(registry, new SasVerifier(clock), Set.of(HUB)));
    private final DeviceIdentity dev1 = registry.createDevice("dev1");
    /** As the hub wires it with the Event Hubs-compatible endpoint "myhub". */
    private final ClaimsBasedSecurity withEventHubs = security.withServicePaths(
            path -> path.equalsIgnoreCase("myhub") || path.toLowerCase().startsWith("myhub/"));
    private final long inAnHour = clock.instant().getEpochSecond() + 3600;

    @Test
    void aTokenForTheAudiencesDeviceGrantsItUntilTheTokenExpires() {
        ClaimsBasedSecurity.Decision decision = decide(HUB + "/devices/dev1", token(dev1.primaryKey(), "dev1", inAnHour));

        assertThat(decision.answer().status()).isEqualTo(200);
        assertThat(decision.claim()).isEqualTo(new ClaimsBasedSecurity.Claim.Device(IdentityId.device("dev1"),
                dev1.generationId(), inAnHour));
    }

    @Test
    void theHubHostIsCaseInsensitiveAndAnEncodedIdIsTheSameDevice() {
        DeviceIdentity spaced = registry.createDevice("dev+1");
        String token = SasSigner.sign(spaced.primaryKey(), "HUB.local/devices/dev+1", inAnHour, null);

        assertThat(decide(HUB + "/devices/dev%2B1", token).claim())
                .isEqualTo(new ClaimsBasedSecurity.Claim.Device(IdentityId.device("dev+1"), spaced.generationId(),
                        inAnHour));
    }

    @Test
    void anAudienceEncodedAsAWholeAsTheNodeSdkPutsItIsTheSameDevice() {
        DeviceIdentity percent = registry.createDevice("dev%+1");
        String token = SasSigner.sign(percent.primaryKey(), HUB + "/devices/dev%+1", inAnHour, null);

        assertThat(decide(HUB + "%2Fdevices%2Fdev%25%2B1", token).claim())
                .isEqualTo(new ClaimsBasedSecurity.Claim.Device(IdentityId.device("dev%+1"), percent.generationId(),
                        inAnHour));
        assertThat(decide(HUB + "%2fdevices%2fdev1", token(dev1.primaryKey(), "dev1", inAnHour)).claim())
                .as("lower-case escapes").isNotNull();
        assertThat(decide(HUB + "%2Fdevices%2Fdev%252F1", token).claim()).as("an id's own %2F stays in the id").isNull();
    }

    @Test
    void theWrongKeyAnExpiredTokenAndAGarbledTokenGet401() {
        assertThat(decide(HUB + "/devices/dev1", token(SymmetricKeys.random(), "dev1", inAnHour)).answer().status())
                .isEqualTo(401);
        assertThat(decide(HUB + "/devices/dev1", token(dev1.primaryKey(), "dev1", clock.instant().getEpochSecond()))
                .answer().status()).isEqualTo(401);
        assertThat(decide(HUB + "/devices/dev1", "SharedAccessSignature sig=abc").answer().status()).isEqualTo(401);
    }

    @Test
    void anExpiredTokenIsAnsweredAndLoggedWithItsExpiryAndTheHubsTimeWhileOtherRefusalsSayNothing() {
        long seventyMinutesAgo = clock.instant().getEpochSecond() - 70 * 60;

        ClaimsBasedSecurity.Decision expired = decide(HUB + "/devices/dev1", token(dev1.primaryKey(), "dev1",
                seventyMinutesAgo));

        assertThat(expired.answer()).isEqualTo(CbsAnswer.unauthorized("ExpiredToken: The token is expired. Expiration"
                + " time: '2025-12-31T22:50:00Z', the hub's time: '2026-01-01T00:00:00Z'. Check the device's clock."));
        assertThat(expired.reason()).contains("expired at 2025-12-31T22:50:00Z, 1 h 10 min before the hub's clock"
                + " (2026-01-01T00:00:00Z)").contains("check the device's clock");
        assertThat(decide(HUB + "/devices/dev1", token(SymmetricKeys.random(), "dev1", seventyMinutesAgo)).answer())
                .as("a forged token, expired too, learns nothing").isEqualTo(CbsAnswer.unauthorized("Unauthorized"));
    }

    @Test
    void aTokenForOneDeviceDoesNotGrantTheDeviceTheAudienceNames() {
        registry.createDevice("dev2");

        ClaimsBasedSecurity.Decision decision = decide(HUB + "/devices/dev2", token(dev1.primaryKey(), "dev1", inAnHour));

        assertThat(decision.claim()).isNull();
        assertThat(decision.answer().status()).isEqualTo(401);
        assertThat(decision.answer().description()).as("the device learns nothing more").isEqualTo("Unauthorized");
        assertThat(decision.reason()).contains("dev1");
    }

    @Test
    void anotherHubsTokenIsRefused() {
        String token = SasSigner.sign(dev1.primaryKey(), "other.hub/devices/dev1", inAnHour, null);

        assertThat(decide(HUB + "/devices/dev1", token).claim()).isNull();
    }

    @Test
    void disabledAndUnknownDevicesAreRefused() {
        registry.setEnabled("dev1", false);

        assertThat(decide(HUB + "/devices/dev1", token(dev1.primaryKey(), "dev1", inAnHour)).claim()).isNull();
        assertThat(decide(HUB + "/devices/ghost", token(dev1.primaryKey(), "ghost", inAnHour)).claim()).isNull();
        assertThat(decide("dev1", token(dev1.primaryKey(), "dev1", inAnHour)).claim()).isNull();
    }

    @Test
    void aModulesOwnTokenGrantsThatModuleOnly() {
        ModuleIdentity m1 = registry.createModule("dev1", "m1", null, null, null);

        assertThat(decide(HUB + "/devices/dev1/modules/m1", token(m1.primaryKey(), "dev1/modules/m1", inAnHour)).claim())
                .isEqualTo(new ClaimsBasedSecurity.Claim.Device(IdentityId.module("dev1", "m1"), m1.generationId(),
                        inAnHour));
        // The device SDK's ModuleClient puts its token under its device's audience: still the module, not the device.
        assertThat(decide(HUB + "/devices/dev1", token(m1.primaryKey(), "dev1/modules/m1", inAnHour)).claim())
                .isEqualTo(new ClaimsBasedSecurity.Claim.Device(IdentityId.module("dev1", "m1"), m1.generationId(),
                        inAnHour));
    }

    @Test
    void aModulesTokenSignedWithItsDevicesKeyGrantsThatModuleAsIotHubDoes() {
        ModuleIdentity m1 = registry.createModule("dev1", "m1", null, null, null);
        registry.createDevice("dev2");
        registry.createModule("dev2", "m1", null, null, null);
        ClaimsBasedSecurity.Claim module = new ClaimsBasedSecurity.Claim.Device(IdentityId.module("dev1", "m1"),
                m1.generationId(), inAnHour);

        // The Java SDK's own suite connects its modules so (DeviceConnectionString: the device's key, the module's id).
        assertThat(decide(HUB + "/devices/dev1/modules/m1", token(dev1.primaryKey(), "dev1/modules/m1", inAnHour))
                .claim()).isEqualTo(module);
        assertThat(decide(HUB + "/devices/dev1", token(dev1.secondaryKey(), "dev1/modules/m1", inAnHour)).claim())
                .isEqualTo(module);
        // Another device's key is no key of this module; an expired token stays expired.
        assertThat(decide(HUB + "/devices/dev2/modules/m1", token(dev1.primaryKey(), "dev2/modules/m1", inAnHour))
                .claim()).isNull();
        assertThat(decide(HUB + "/devices/dev1/modules/m1", token(dev1.primaryKey(), "dev1/modules/m1",
                clock.instant().getEpochSecond())).claim()).isNull();
    }

    @Test
    void aModuleIsNeitherItsDeviceNorAnotherModule() {
        ModuleIdentity m1 = registry.createModule("dev1", "m1", null, null, null);
        registry.createModule("dev1", "m2", null, null, null);
        registry.createDevice("dev2");

        // The module's token for its device or a sibling, the device's own token for the module.
        assertThat(decide(HUB + "/devices/dev1", token(m1.primaryKey(), "dev1", inAnHour)).claim()).isNull();
        assertThat(decide(HUB + "/devices/dev1/modules/m1", token(dev1.primaryKey(), "dev1", inAnHour)).claim())
                .isNull();
        assertThat(decide(HUB + "/devices/dev2", token(m1.primaryKey(), "dev1/modules/m1", inAnHour)).claim())
                .as("another device's audience").isNull();
        assertThat(decide(HUB + "/devices/dev1/modules/m2", token(m1.primaryKey(), "dev1/modules/m1", inAnHour))
                .claim()).isNull();
        assertThat(decide(HUB + "/devices/dev1/modules/m2", token(m1.primaryKey(), "dev1/modules/m2", inAnHour))
                .claim()).isNull();
        assertThat(decide(HUB + "/devices/dev1/modules/ghost", token(m1.primaryKey(), "dev1/modules/ghost", inAnHour))
                .claim()).isNull();
        assertThat(decide(HUB + "/devices/dev1/modules/", token(m1.primaryKey(), "dev1/modules/", inAnHour))
                .claim()).isNull();
    }

    @Test
    void aServicePolicysTokenForTheHubGrantsThatPolicyUntilTheTokenExpires() {
        SharedAccessPolicy service = registry.findPolicy("service").orElseThrow();
        String token = SasSigner.sign(service.primaryKey(), HUB, inAnHour, "service");

        ClaimsBasedSecurity.Decision decision = decide(HUB, token);

        assertThat(decision.answer().status()).isEqualTo(200);
        assertThat(decision.claim()).isEqualTo(new ClaimsBasedSecurity.Claim.Service(service, inAnHour));
    }

    @Test
    void aServiceTokenWithTheWrongKeyForAnotherAudienceOrExpiredIsRefused() {
        SharedAccessPolicy service = registry.findPolicy("service").orElseThrow();

        assertThat(decide(HUB, SasSigner.sign(SymmetricKeys.random(), HUB, inAnHour, "service")).claim()).isNull();
        assertThat(decide("other.hub", SasSigner.sign(service.primaryKey(), HUB, inAnHour, "service")).claim())
                .as("the audience must be the token's resource").isNull();
        assertThat(decide(HUB, SasSigner.sign(service.primaryKey(), HUB, clock.instant().getEpochSecond(), "service"))
                .claim()).isNull();
        assertThat(decide(HUB, SasSigner.sign(service.primaryKey(), HUB, inAnHour, "nosuchpolicy")).answer().status())
                .isEqualTo(401);
        assertThat(decide(HUB, SasSigner.sign(dev1.primaryKey(), HUB + "/devices/dev1", inAnHour, null)).claim())
                .as("a device's token is no service token").isNull();
    }

    private ClaimsBasedSecurity.Decision decide(String audience, String token) {
        return security.decide(new CbsPutToken("id", audience, token));
    }

    private static String token(String key, String deviceId, long expiry) {
        return SasSigner.sign(key, HUB + "/devices/" + deviceId, expiry, null);
    }

    private String eventHubsToken(String resource, String policyName) {
        SharedAccessPolicy policy = registry.findPolicy(policyName).orElseThrow();
        return SasSigner.signAsEventHubs(policy.primaryKey(), resource, inAnHour, policyName);
    }

    @Test
    void anEventHubsClientsTokenForThisHubsEventHubGrantsItsPolicy() {
        String audience = "amqp://" + HUB + "/myhub/ConsumerGroups/$Default/Partitions/0";

        ClaimsBasedSecurity.Decision decision = withEventHubs.decide(
                new CbsPutToken("id", audience, eventHubsToken(audience, "service")));

        assertThat(decision.answer().status()).isEqualTo(200);
        assertThat(decision.claim()).isInstanceOf(ClaimsBasedSecurity.Claim.Service.class);
    }

    @Test
    void anEventHubsAudienceOfAnotherHostOrEventHubOrSignedAsIotHubSignsIsRefused() {
        String otherHost = "amqp://other.example.test/myhub";
        String otherEventHub = "amqp://" + HUB + "/otherhub";
        String mine = "amqp://" + HUB + "/myhub";
        SharedAccessPolicy service = registry.findPolicy("service").orElseThrow();

        assertThat(withEventHubs.decide(new CbsPutToken("id", otherHost, eventHubsToken(otherHost, "service"))).claim())
                .isNull();
        assertThat(withEventHubs.decide(new CbsPutToken("id", otherEventHub, eventHubsToken(otherEventHub, "service")))
                .claim()).isNull();
        assertThat(security.decide(new CbsPutToken("id", mine, eventHubsToken(mine, "service"))).claim())
                .as("a hub without the endpoint").isNull();
        assertThat(withEventHubs.decide(new CbsPutToken("id", mine,
                SasSigner.sign(service.primaryKey(), mine, inAnHour, "service"))).claim())
                .as("the key decoded from base64, as IoT Hub signs").isNull();
    }

    @Test
    void devicesAreRefusedWhereOnlyServicesMayConnect() {
        ClaimsBasedSecurity.Decision decision = security.withDevices(false)
                .decide(new CbsPutToken("id", HUB + "/devices/dev1", token(dev1.primaryKey(), "dev1", inAnHour)));

        assertThat(decision.claim()).isNull();
        assertThat(decision.answer().status()).isEqualTo(401);
    }
}
