package io.github.iothubquickstart.localhub.twin;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * When one twin property was last written and at which version of its section: its entry in IoT Hub's
 * {@code $metadata}. A property whose value is an object keeps the metadata of each of its members too, so a change
 * deep inside shows on every level above it.
 */
public record PropertyMetadata(Instant lastUpdated, long lastUpdatedVersion, Map<String, PropertyMetadata> members) {

    public PropertyMetadata {
        Objects.requireNonNull(lastUpdated, "lastUpdated");
        members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }
}
