package io.github.iothubquickstart.localhub.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class DashboardTokenTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void eachTokenIs256RandomBitsInUrlSafeBase64() {
        DashboardToken first = DashboardToken.random(random);
        DashboardToken second = DashboardToken.random(random);

        assertThat(first.value()).matches("[A-Za-z0-9_-]{43}");
        assertThat(first.value()).isNotEqualTo(second.value());
    }

    @Test
    void acceptsOnlyItself() {
        DashboardToken token = DashboardToken.random(random);

        assertThat(token.accepts(token.value())).isTrue();
        assertThat(token.accepts(token.value().substring(1))).isFalse();
        assertThat(token.accepts(token.value() + "x")).isFalse();
        assertThat(token.accepts("")).isFalse();
        assertThat(token.accepts(null)).isFalse();
    }

    @Test
    void theAddressCarriesTheTokenInTheFragmentWhichBrowsersNeverSend() {
        DashboardToken token = DashboardToken.random(random);

        assertThat(token.dashboardUrl("127.0.0.5", 8443)).isEqualTo("https://127.0.0.5:8443/#token=" + token.value());
        assertThat(token.toString()).doesNotContain(token.value());
    }
}
