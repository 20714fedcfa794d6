package io.github.iothubquickstart.localhub.provisioning;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** DPS's ID scopes look like {@code 0ne00ABCDEF}: {@code 0ne} and 8 upper-case hex digits. */
public final class IdScopes {
    private static final Pattern SHAPE = Pattern.compile("0ne[0-9A-F]{8}");

    private IdScopes() {
    }

    public static String generate(SecureRandom random) {
        byte[] bytes = new byte[4];
        random.nextBytes(bytes);
        return "0ne" + HexFormat.of().withUpperCase().formatHex(bytes);
    }

    public static boolean isValid(String idScope) {
        return idScope != null && SHAPE.matcher(idScope).matches();
    }
}
