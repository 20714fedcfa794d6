package io.github.iothubquickstart.localhub.importexport;

import java.util.Locale;
import java.util.Optional;

/** What an import/export job does, as IoT Hub names it ({@code type}). */
public enum JobType {
    EXPORT("export"),
    IMPORT("import");

    private final String wireName;

    JobType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<JobType> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (JobType type : values()) {
            if (type.wireName.equals(lower)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
