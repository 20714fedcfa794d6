package io.github.iothubquickstart.localhub.digitaltwins;

import java.util.regex.Pattern;

/**
 * IoT Plug and Play model ids (DTMIs) as devices announce them: {@code dtmi:} then path segments separated by
 * {@code :}, each a letter then letters, digits or underscores (not ending with one), then {@code ;} and a version
 * (DTDL's rule, e.g. {@code dtmi:com:example:Thermostat;1}; DTDL v3's {@code ;1.2} too).
 */
public final class ModelIds {
    /** DTDL's limit on the length of a DTMI. */
    public static final int MAX_LENGTH = 2048;
    private static final String SEGMENT = "[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?";
    private static final Pattern DTMI = Pattern.compile(
            "dtmi:" + SEGMENT + "(?::" + SEGMENT + ")*;[1-9][0-9]{0,8}(?:\\.[1-9][0-9]{0,5})?");

    private ModelIds() {
    }

    public static boolean isValid(String modelId) {
        return modelId != null && modelId.length() <= MAX_LENGTH && DTMI.matcher(modelId).matches();
    }

    /** What a refusal says about a model id that is not a DTMI. */
    public static String describeInvalid(String modelId) {
        String shown = modelId.length() > 80 ? modelId.substring(0, 80) + "..." : modelId;
        return "model id '" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "' is not a DTMI like"
                + " dtmi:com:example:Thermostat;1 (at most " + MAX_LENGTH + " characters)";
    }
}
