package io.github.iothubquickstart.localhub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.testing.PrintableAscii;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Coverage-guided fuzzing (Jazzer) of what an AMQP client names before it sends a message: link addresses (device,
 * module, DPS registration, Event Hubs partition), the SASL PLAIN response and the Event Hubs position filter. Inputs
 * under {@code AmqpAddressesFuzzTargetInputs/<method>/} run as regression tests in every build.
 */
class AmqpAddressesFuzzTarget {
    private static final IdentityId DEVICE = IdentityId.device("dev1");
    private static final IdentityId MODULE = IdentityId.module("dev1", "mod1");

    @FuzzTest
    void deviceAddresses(byte[] input) {
        String address = new String(input, StandardCharsets.UTF_8);

        for (DeviceAddresses.Direction direction : DeviceAddresses.Direction.values()) {
            for (Set<IdentityId> granted : java.util.List.of(Set.<IdentityId>of(), Set.of(DEVICE), Set.of(MODULE))) {
                DeviceAddresses.Decision decision = DeviceAddresses.decide(address, direction, granted);
                if (decision.allowed()) {
                    // Per-device isolation: a link reaches only an identity this connection's tokens granted.
                    assertThat(granted).contains(decision.address().identity());
                    assertThat(DeviceAddresses.parse(address)).contains(decision.address());
                } else {
                    assertThat((Object) decision.condition()).isNotNull();
                    assertThat(decision.description()).isNotBlank();
                    assertThat(PrintableAscii.is(decision.description())).isTrue();
                }
            }
        }
        DeviceAddresses.parse(address).ifPresent(parsed -> {
            assertThat(parsed.identity().deviceId()).isNotEmpty().doesNotContain("/");
            assertThat(address).startsWith("/devices/" + parsed.identity().deviceId() + "/");
        });
    }

    @FuzzTest
    void registrationAddresses(byte[] input) {
        String address = new String(input, StandardCharsets.UTF_8);

        Optional<RegistrationAddress> parsed = RegistrationAddress.parse(address);

        parsed.ifPresent(registration -> {
            assertThat(registration.idScope()).isNotEmpty().doesNotContain("/", " ");
            assertThat(PrintableAscii.is(registration.idScope())).isTrue();
            assertThat(registration.registrationId()).isNotEmpty().doesNotContain("/", " ");
            assertThat(PrintableAscii.is(registration.registrationId())).isTrue();
            assertThat(RegistrationAddress.parse(registration.toString())).contains(registration);
            // The Java SDK's leading slash counts towards the limit.
            assertThat(registration.isAddressedBy("/" + registration))
                    .isEqualTo(registration.toString().length() < RegistrationAddress.MAX_LENGTH);
        });
    }

    @FuzzTest
    void eventHubsAddresses(byte[] input) {
        String address = new String(input, StandardCharsets.UTF_8);

        EventHubsAddress parsed = EventHubsAddress.parse(address);

        if (parsed != null) {
            assertThat(parsed.entity()).isNotEmpty().doesNotContain("/");
            assertThat(parsed.consumerGroup()).isNotEmpty().doesNotContain("/");
            assertThat(parsed.partitionId()).isNotEmpty().doesNotContain("/");
            assertThat(EventHubsAddress.parse(parsed.entity() + "/ConsumerGroups/" + parsed.consumerGroup()
                    + "/Partitions/" + parsed.partitionId())).isEqualTo(parsed);
        }
    }

    @FuzzTest
    void saslPlainResponses(byte[] input) {
        Optional<SaslPlainResponse> parsed = SaslPlainResponse.parse(input);

        parsed.ifPresent(response -> {
            assertThat(input.length).isLessThanOrEqualTo(SaslPlainResponse.MAX_BYTES);
            assertThat(response.user()).doesNotContain("\0");
            assertThat(response.password()).doesNotContain("\0");
            // The password is a SAS token: only the user is ever printed.
            assertThat(response.toString()).isEqualTo("SaslPlainResponse[user=" + DeviceAddresses.printable(response.user()) + "]");
        });
    }

    @FuzzTest
    void eventPositionFilters(byte[] input) {
        String expression = new String(input, StandardCharsets.UTF_8);

        try {
            EventPositionFilter.parse(expression);
        } catch (EventPositionFilter.InvalidFilterException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}
