package io.github.iothubquickstart.localhub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistrationAddressTest {
    @Test
    void readsTheJavaSdksLinkAddressAndTheCSharpOnesAndTheSaslUser() {
        RegistrationAddress expected = new RegistrationAddress("0ne00000A0A", "device-1");
        assertThat(RegistrationAddress.parse("/0ne00000A0A/registrations/device-1")).contains(expected);
        assertThat(RegistrationAddress.parse("0ne00000A0A/registrations/device-1")).contains(expected);
        assertThat(expected.isAddressedBy("/0ne00000A0A/registrations/device-1")).isTrue();
        assertThat(expected.isAddressedBy("/0ne00000A0A/registrations/device-2")).isFalse();
        assertThat(expected).hasToString("0ne00000A0A/registrations/device-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/devices/dev1/messages/events", "$cbs", "/0ne00000A0A/registrations/",
            "/registrations/device-1", "//registrations/device-1", "/0ne00000A0A/registrations/a/b",
            "/0ne00000A0A/registrations/a b", "/0ne00000A0A/registration/device-1", "dev1@sas.hub",
            "policy@sas.root.hub", "/0ne00000A0A/registrations/d\u00e9vice"})
    void anythingElseIsNoRegistration(String address) {
        assertThat(RegistrationAddress.parse(address)).isEmpty();
    }

    @Test
    void anAddressLongerThanAnyRegistrationsIsNone() {
        assertThat(RegistrationAddress.parse("0ne00000A0A/registrations/" + "a".repeat(RegistrationAddress.MAX_LENGTH)))
                .isEmpty();
    }

    @Test
    void randomTextNeverBreaksTheParser() {
        Random random = new Random(20261206L);
        String alphabet = "/registrations0neA-_.:%@$ \u0000\u00ff";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(60);
            for (int c = 0; c < length; c++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            RegistrationAddress.parse(text.toString()).ifPresent(address -> {
                assertThat(address.idScope()).isNotEmpty().doesNotContain("/");
                assertThat(address.registrationId()).isNotEmpty().doesNotContain("/");
            });
        }
    }
}
