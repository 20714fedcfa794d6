package io.github.iothubquickstart.localhub.testing;

import io.github.iothubquickstart.localhub.registry.IdentityId;
import io.github.iothubquickstart.localhub.twin.TwinDocument;
import io.github.iothubquickstart.localhub.twin.TwinStore;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A twin store that runs {@code afterWrite} on the writing thread once each update has been stored and before it
 * returns: where a real disk is slow to return, and where a test holds the writer to look in between.
 */
public final class AfterWriteTwinStore implements TwinStore {
    private final TwinStore delegate;
    private final Consumer<TwinDocument> afterWrite;

    public AfterWriteTwinStore(TwinStore delegate, Consumer<TwinDocument> afterWrite) {
        this.delegate = delegate;
        this.afterWrite = afterWrite;
    }

    @Override
    public TwinDocument load(IdentityId owner) {
        return delegate.load(owner);
    }

    @Override
    public TwinDocument update(IdentityId owner, UnaryOperator<TwinDocument> change) {
        TwinDocument written = delegate.update(owner, change);
        afterWrite.accept(written);
        return written;
    }
}
