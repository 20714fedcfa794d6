package io.github.iothubquickstart.localhub.registry;

/** What a bulk registry operation does to one device, as IoT Hub names it ({@code importMode}). */
public enum ImportMode {
    /** Registers the device; an error if it exists. */
    CREATE("create"),
    /** Replaces the device whatever its ETag; an error if it does not exist. */
    UPDATE("update"),
    /** Replaces the device if its ETag is the one given. */
    UPDATE_IF_MATCH_ETAG("updateIfMatchETag"),
    /** Deletes the device whatever its ETag; an error if it does not exist. */
    DELETE("delete"),
    /** Deletes the device if its ETag is the one given. */
    DELETE_IF_MATCH_ETAG("deleteIfMatchETag");

    private final String wireName;

    ImportMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** IoT Hub compares import modes without regard to case. */
    public static java.util.Optional<ImportMode> parse(String text) {
        for (ImportMode mode : values()) {
            if (mode.wireName.equalsIgnoreCase(text)) {
                return java.util.Optional.of(mode);
            }
        }
        return java.util.Optional.empty();
    }
}
