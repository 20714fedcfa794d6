package io.github.iothubquickstart.localhub.registry;

/** ETags travel bare (Java SDK) or in double quotes (HTTP, Node SDK); both mean the same. */
public final class ETags {
    private ETags() {
    }

    /** The ETag without surrounding quotes; null or blank stays null. */
    public static String unquote(String etag) {
        if (etag == null || etag.isBlank()) {
            return null;
        }
        String trimmed = etag.trim();
        if (trimmed.startsWith("W/")) {
            trimmed = trimmed.substring(2);
        }
        if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
            return trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed;
    }
}
