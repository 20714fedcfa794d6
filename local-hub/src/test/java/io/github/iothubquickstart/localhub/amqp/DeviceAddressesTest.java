package io.github.iothubquickstart.localhub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iothubquickstart.localhub.amqp.DeviceAddresses.Decision;
import io.github.iothubquickstart.localhub.amqp.DeviceAddresses.Direction;
import io.github.iothubquickstart.localhub.amqp.DeviceAddresses.Node;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceAddressesTest {
    private static final Set<IdentityId> DEV1 = Set.of(IdentityId.device("dev1"));
    private static final IdentityId M1 = IdentityId.module("dev1", "m1");

    @Test
    void parsesTheNodesTheDeviceSdkOpens() {
        assertThat(DeviceAddresses.parse("/devices/dev1/messages/events"))
                .contains(new DeviceAddresses.DeviceAddress(IdentityId.device("dev1"), Node.TELEMETRY));
        assertThat(DeviceAddresses.parse("/devices/dev1/messages/devicebound"))
                .contains(new DeviceAddresses.DeviceAddress(IdentityId.device("dev1"), Node.CLOUD_TO_DEVICE));
        assertThat(DeviceAddresses.parse("/devices/dev1/methods/devicebound"))
                .contains(new DeviceAddresses.DeviceAddress(IdentityId.device("dev1"), Node.METHODS));
        assertThat(DeviceAddresses.parse("/devices/dev1/twin")).contains(new DeviceAddresses.DeviceAddress(IdentityId.device("dev1"), Node.TWIN));
    }

    @Test
    void aDeviceMaySendTelemetryAndReceiveOnItsOwnNodes() {
        assertThat(DeviceAddresses.decide("/devices/dev1/messages/events", Direction.FROM_DEVICE, DEV1).allowed()).isTrue();
        assertThat(DeviceAddresses.decide("/devices/dev1/messages/devicebound", Direction.TO_DEVICE, DEV1).allowed()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/devices/dev2/messages/events", "/devices/dev2/anything", "/devices/dev10/messages/events",
            "/devices/DEV1/messages/events"})
    void anotherDevicesAddressIsUnauthorizedWhateverFollowsTheId(String address) {
        Decision decision = DeviceAddresses.decide(address, Direction.FROM_DEVICE, DEV1);

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.condition().toString()).isEqualTo("amqp:unauthorized-access");
    }

    @Test
    void withoutAnyGrantEvenTheDevicesOwnAddressIsUnauthorized() {
        Decision decision = DeviceAddresses.decide("/devices/dev1/messages/events", Direction.FROM_DEVICE, Set.of());

        assertThat(decision.condition().toString()).isEqualTo("amqp:unauthorized-access");
        assertThat(decision.description()).contains("$cbs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/devices/dev1/nowhere", "/devices/dev1/messages/events/extra", "/devices//messages/events",
            "/messages/servicebound/feedback", "devices/dev1/messages/events"})
    void unknownAddressesAreNotFound(String address) {
        assertThat(DeviceAddresses.decide(address, Direction.FROM_DEVICE, DEV1).condition().toString())
                .isEqualTo("amqp:not-found");
    }

    @Test
    void aMissingOrHugeAddressIsNotFound() {
        assertThat(DeviceAddresses.decide(null, Direction.FROM_DEVICE, DEV1).condition().toString()).isEqualTo("amqp:not-found");
        assertThat(DeviceAddresses.decide("/devices/dev1/" + "x".repeat(2000), Direction.FROM_DEVICE, DEV1)
                .condition().toString()).isEqualTo("amqp:not-found");
    }

    @Test
    void aNodeIsServedInItsOwnDirectionOnly() {
        assertThat(DeviceAddresses.decide("/devices/dev1/messages/events", Direction.TO_DEVICE, DEV1).condition().toString())
                .isEqualTo("amqp:not-allowed");
        assertThat(DeviceAddresses.decide("/devices/dev1/messages/devicebound", Direction.FROM_DEVICE, DEV1)
                .condition().toString()).isEqualTo("amqp:not-allowed");
    }

    @Test
    void methodRequestsGoToTheDeviceAndItsAnswersComeBackOnTheSameAddress() {
        assertThat(DeviceAddresses.decide("/devices/dev1/methods/devicebound", Direction.TO_DEVICE, DEV1).allowed()).isTrue();
        assertThat(DeviceAddresses.decide("/devices/dev1/methods/devicebound", Direction.FROM_DEVICE, DEV1).allowed())
                .isTrue();
    }

    @Test
    void twinRequestsComeFromTheDeviceAndAnswersGoToItOnTheSameAddress() {
        assertThat(DeviceAddresses.decide("/devices/dev1/twin", Direction.TO_DEVICE, DEV1).allowed()).isTrue();
        assertThat(DeviceAddresses.decide("/devices/dev1/twin", Direction.FROM_DEVICE, DEV1).allowed()).isTrue();
    }

    @Test
    void aModuleOpensTheSameNodesUnderItsOwnAddress() {
        assertThat(DeviceAddresses.parse("/devices/dev1/modules/m1/messages/events"))
                .contains(new DeviceAddresses.DeviceAddress(M1, Node.TELEMETRY));
        assertThat(DeviceAddresses.parse("/devices/dev1/modules/m1/methods/devicebound"))
                .contains(new DeviceAddresses.DeviceAddress(M1, Node.METHODS));
        assertThat(DeviceAddresses.parse("/devices/dev1/modules/m1/twin"))
                .contains(new DeviceAddresses.DeviceAddress(M1, Node.TWIN));
        assertThat(DeviceAddresses.decide("/devices/dev1/modules/m1/messages/events", Direction.FROM_DEVICE, Set.of(M1))
                .allowed()).isTrue();
        assertThat(DeviceAddresses.decide("/devices/dev1/modules/m1/twin", Direction.TO_DEVICE, Set.of(M1)).allowed())
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/devices/dev1/modules/m1/messages/events", "/devices/dev1/modules/m1/twin",
            "/devices/dev1/modules/m1/anything"})
    void aDevicesTokenDoesNotGrantItsModules(String address) {
        Decision decision = DeviceAddresses.decide(address, Direction.FROM_DEVICE, DEV1);

        assertThat(decision.condition().toString()).isEqualTo("amqp:unauthorized-access");
        assertThat(decision.description()).contains("module dev1/m1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/devices/dev1/messages/events", "/devices/dev1/twin", "/devices/dev1/modules/m2/twin",
            "/devices/dev2/modules/m1/twin"})
    void aModulesTokenGrantsNeitherItsDeviceNorAnotherModule(String address) {
        assertThat(DeviceAddresses.decide(address, Direction.FROM_DEVICE, Set.of(M1)).condition().toString())
                .isEqualTo("amqp:unauthorized-access");
    }

    @Test
    void unknownModuleNodesAreNotFound() {
        assertThat(DeviceAddresses.decide("/devices/dev1/modules/m1/nowhere", Direction.FROM_DEVICE, Set.of(M1))
                .condition().toString()).isEqualTo("amqp:not-found");
        assertThat(DeviceAddresses.decide("/devices/dev1/modules//twin", Direction.FROM_DEVICE, DEV1)
                .condition().toString()).isEqualTo("amqp:not-found");
    }
}
