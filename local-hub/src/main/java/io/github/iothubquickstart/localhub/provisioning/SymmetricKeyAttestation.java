package io.github.iothubquickstart.localhub.provisioning;

import java.util.ArrayList;
import java.util.List;

/**
 * An enrollment's symmetric keys (base64). For an individual enrollment they are the device's own; for a group they
 * are the group keys each device's key is derived from ({@link DerivedKeys}).
 */
public record SymmetricKeyAttestation(String primaryKey, String secondaryKey) {

    /** The keys that are set, primary first. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>(2);
        if (primaryKey != null && !primaryKey.isEmpty()) {
            keys.add(primaryKey);
        }
        if (secondaryKey != null && !secondaryKey.isEmpty()) {
            keys.add(secondaryKey);
        }
        return keys;
    }
}
