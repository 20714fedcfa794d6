package io.github.iothubquickstart.localhub.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a create or update asks for becomes the credentials IoT Hub would store, or is refused. */
class RequestedAuthenticationTest {
    private static final String SHA1 = "0000000000000000000000000000000000000000";
    private static final String KEY_A = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static final String KEY_B = "HxwdHhsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";

    @Test
    void sasWithoutKeysKeepsTheCurrentKeysOrGeneratesNewOnes() {
        Authentication current = Authentication.sas(KEY_A, KEY_B);
        assertThat(RequestedAuthentication.GENERATED_KEYS.resolve(current)).isEqualTo(current);
        Authentication fromX509 = RequestedAuthentication.GENERATED_KEYS.resolve(Authentication.selfSigned(SHA1, SHA1));
        assertThat(fromX509.type()).isEqualTo(AuthenticationType.SAS);
        assertThat(fromX509.keys()).hasSize(2).doesNotContainNull();
    }

    @Test
    void selfSignedKeepsItsThumbprintsAndHasNoKeys() {
        Authentication resolved = new RequestedAuthentication(AuthenticationType.SELF_SIGNED, null, null, SHA1, null)
                .resolve(Authentication.sas(KEY_A, KEY_B));
        assertThat(resolved).isEqualTo(Authentication.selfSigned(SHA1, null));
        assertThat(resolved.keys()).isEmpty();
    }

    @Test
    void membersThatDoNotBelongToTheTypeAreRefused() {
        assertThatThrownBy(() -> new RequestedAuthentication(AuthenticationType.SELF_SIGNED, null, null, null, null)
                .resolve(null)).hasMessageContaining("needs a primary or secondary thumbprint");
        assertThatThrownBy(() -> new RequestedAuthentication(AuthenticationType.SELF_SIGNED, KEY_A, KEY_B, SHA1, SHA1)
                .resolve(null)).hasMessageContaining("selfSigned identity takes no symmetric keys");
        assertThatThrownBy(() -> new RequestedAuthentication(AuthenticationType.CERTIFICATE_AUTHORITY, null, null,
                SHA1, null).resolve(null)).hasMessageContaining("certificateAuthority identity takes no thumbprints");
        assertThatThrownBy(() -> new RequestedAuthentication(AuthenticationType.SAS, KEY_A, KEY_B, SHA1, null)
                .resolve(null)).hasMessageContaining("sas identity takes no thumbprints");
        assertThatThrownBy(() -> new RequestedAuthentication(AuthenticationType.SELF_SIGNED, null, null, SHA1 + "0",
                null).resolve(null)).hasMessageContaining("40 (SHA-1) or 64 (SHA-256) hexadecimal digits");
    }
}
