package io.github.iothubquickstart.localhub.registry;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** A hub-level shared access policy such as {@code iothubowner} or {@code service}. */
public record SharedAccessPolicy(String name, String primaryKey, String secondaryKey, Set<AccessRight> rights) {

    public SharedAccessPolicy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(primaryKey, "primaryKey");
        Objects.requireNonNull(secondaryKey, "secondaryKey");
        rights = rights.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(rights));
    }

    public boolean grants(AccessRight right) {
        return rights.contains(right);
    }

    /** Both keys, primary first: the candidates a SAS token may be signed with. */
    public List<String> keys() {
        return List.of(primaryKey, secondaryKey);
    }

    @Override
    public String toString() {
        return "SharedAccessPolicy[name=" + name + ", rights=" + rights + "]";
    }
}
