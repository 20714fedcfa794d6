package io.github.iothubquickstart.localhub.dashboard;

import io.github.iothubquickstart.localhub.auth.BearerTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The dashboard's credential: 256 random bits made at each start and kept only in memory, so a restart signs every
 * open dashboard out and nothing on disk can leak it. The browser sends it as {@code Authorization: Bearer}.
 */
public final class DashboardToken implements BearerTokens {
    private static final int BYTES = 32;

    private final String value;

    private DashboardToken(String value) {
        this.value = value;
    }

    public static DashboardToken random(SecureRandom random) {
        byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        return new DashboardToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** The token itself, for the one line the hub prints. */
    public String value() {
        return value;
    }

    /** Compared in constant time, so response times tell an attacker nothing about how close a guess was. */
    @Override
    public boolean accepts(String token) {
        return token != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    /** The address that opens the dashboard signed in; the token is in the fragment, which browsers never send. */
    public String dashboardUrl(String host, int port) {
        return "https://" + host + ":" + port + "/#token=" + value;
    }

    @Override
    public String toString() {
        return "DashboardToken[hidden]";
    }
}
