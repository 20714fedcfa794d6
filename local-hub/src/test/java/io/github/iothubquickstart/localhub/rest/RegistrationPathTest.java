package io.github.iothubquickstart.localhub.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistrationPathTest {
    @Test
    void readsTheRegisterPathAndTheOperationStatusPath() {
        assertThat(RegistrationPath.parse("/0ne00000A0A/registrations/device-1/register"))
                .contains(new RegistrationPath("0ne00000A0A", "device-1", null));
        assertThat(RegistrationPath.parse("/0ne00000A0A/registrations/device-1/operations/4.abc.0"))
                .contains(new RegistrationPath("0ne00000A0A", "device-1", "4.abc.0"));
        assertThat(RegistrationPath.parse("/0ne00000A0A/registrations/device-1/register").orElseThrow().isRegister())
                .isTrue();
    }

    @Test
    void segmentsArePercentDecodedOnce() {
        assertThat(RegistrationPath.parse("/0ne00000A0A/registrations/device%3A1/register"))
                .contains(new RegistrationPath("0ne00000A0A", "device:1", null));
        assertThat(RegistrationPath.parse("/0ne00000A0A/registrations/a%252F/register"))
                .contains(new RegistrationPath("0ne00000A0A", "a%2F", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/devices/dev1/messages/events", "/0ne00000A0A/registrations/device-1",
            "/0ne00000A0A/registrations//register", "/0ne00000A0A/registrations/device-1/register/",
            "/0ne00000A0A/registrations/device-1/operations", "/0ne00000A0A/registrations/device-1/operations/",
            "/0ne00000A0A/registrations/a%2Fb/register", "/0ne00000A0A/registrations/a%2/register",
            "/0ne00000A0A/registrations/a%zz/register", "/0ne00000A0A/registrations/a%20b/register",
            "/0ne00000A0A/enrollments/device-1/register", "0ne00000A0A/registrations/device-1/register",
            "/0ne00000A0A/registrations/device-1/operations/op/extra", "/registrations/device-1"})
    void anythingElseIsNoDpsDevicePath(String path) {
        assertThat(RegistrationPath.parse(path)).isEmpty();
    }

    @Test
    void randomPathsNeverBreakTheParser() {
        Random random = new Random(20261206L);
        String alphabet = "/registrationsopeg0neA-%2F3a \u0000";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder path = new StringBuilder("/");
            int length = random.nextInt(80);
            for (int c = 0; c < length; c++) {
                path.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            RegistrationPath.parse(path.toString()).ifPresent(parsed -> {
                assertThat(parsed.idScope()).isNotEmpty().doesNotContain("/");
                assertThat(parsed.registrationId()).isNotEmpty().doesNotContain("/");
            });
        }
    }
}
