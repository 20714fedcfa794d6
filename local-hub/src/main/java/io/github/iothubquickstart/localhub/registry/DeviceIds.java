package io.github.iothubquickstart.localhub.registry;

/** IoT Hub device id rules: 1 to 128 ASCII letters, digits and {@code - . + % _ # * ? ! ( ) , : = @ $ '}. */
public final class DeviceIds {

    public static final int MAX_LENGTH = 128;
    private static final String SPECIAL_CHARACTERS = "-.+%_#*?!(),:=@$'";

    private DeviceIds() {
    }

    public static boolean isValid(String id) {
        return id != null && !id.isEmpty() && id.length() <= MAX_LENGTH && id.chars().allMatch(DeviceIds::allowed);
    }

    public static void requireValid(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("invalid device id " + describe(id) + ": a device id has 1 to "
                    + MAX_LENGTH + " characters, each an ASCII letter, digit or one of " + SPECIAL_CHARACTERS);
        }
    }

    private static boolean allowed(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || SPECIAL_CHARACTERS.indexOf(c) >= 0;
    }

    private static String describe(String id) {
        if (id == null) {
            return "(null)";
        }
        return id.length() > 140 ? "\"" + id.substring(0, 140) + "...\" (" + id.length() + " characters)"
                : "\"" + id + "\"";
    }
}
