package io.github.iothubquickstart.localhub.importexport;

import java.util.Optional;

/** What one line of an import does ({@code importMode}); IoT Hub compares the names without regard to case. */
public enum ImportExportMode {
    /** The default: registers the identity, or replaces it whatever its ETag. */
    CREATE_OR_UPDATE("createOrUpdate"),
    CREATE("create"),
    UPDATE("update"),
    UPDATE_IF_MATCH_ETAG("updateIfMatchETag"),
    CREATE_OR_UPDATE_IF_MATCH_ETAG("createOrUpdateIfMatchETag"),
    DELETE("delete"),
    DELETE_IF_MATCH_ETAG("deleteIfMatchETag"),
    /** Replaces the twin only, whatever its ETag. */
    UPDATE_TWIN("updateTwin"),
    /** Replaces the twin only, if its ETag is {@code twinETag}. */
    UPDATE_TWIN_IF_MATCH_ETAG("updateTwinIfMatchETag");

    private final String wireName;

    ImportExportMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ImportExportMode> parse(String text) {
        for (ImportExportMode mode : values()) {
            if (mode.wireName.equalsIgnoreCase(text)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
