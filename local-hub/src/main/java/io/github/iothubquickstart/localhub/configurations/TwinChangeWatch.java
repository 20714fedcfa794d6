package io.github.iothubquickstart.localhub.configurations;

import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import io.github.iothubquickstart.localhub.twin.TwinStore;
import java.util.function.UnaryOperator;

/**
 * The twin store, telling {@link ConfigurationTriggers} after each stored change of a device's or module's twin (tags, desired or
 * reported properties), so configurations are evaluated again for that device or module.
 */
public final class TwinChangeWatch implements TwinStore {
    private final TwinStore twins;
    private final ConfigurationTriggers triggers;

    public TwinChangeWatch(TwinStore twins, ConfigurationTriggers triggers) {
        this.twins = twins;
        this.triggers = triggers;
    }

    @Override
    public TwinDocument load(IdentityId owner) {
        return twins.load(owner);
    }

    @Override
    public TwinDocument update(IdentityId owner, UnaryOperator<TwinDocument> change) {
        TwinDocument[] before = new TwinDocument[1];
        TwinDocument after = twins.update(owner, twin -> {
            before[0] = twin;
            return change.apply(twin);
        });
        if (after.version() != before[0].version()) {
            triggers.identityChanged(owner);
        }
        return after;
    }
}
