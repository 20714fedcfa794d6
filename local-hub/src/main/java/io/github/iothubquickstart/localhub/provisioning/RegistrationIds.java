package io.github.iothubquickstart.localhub.provisioning;

import java.util.regex.Pattern;

/**
 * DPS's rule for registration ids and enrollment group ids: up to 128 characters, alphanumeric and {@code - . _ :},
 * the last one alphanumeric or {@code -}.
 */
public final class RegistrationIds {
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9._:-]{0,127}[A-Za-z0-9-]");

    private RegistrationIds() {
    }

    public static boolean isValid(String id) {
        return id != null && SHAPE.matcher(id).matches();
    }

    /** @throws io.github.iothubquickstart.localhub.errors.IotHubError 400 when {@code id} breaks the rule */
    public static void require(String id, String what) {
        if (!isValid(id)) {
            throw ProvisioningErrors.invalidRegistrationId(what + " '" + abbreviate(id) + "' is not valid: up to 128"
                    + " characters, letters, digits and - . _ : , ending in a letter, digit or -");
        }
    }

    private static String abbreviate(String id) {
        if (id == null) {
            return "";
        }
        return id.length() <= 64 ? id : id.substring(0, 64) + "...";
    }
}
