package io.github.iothubquickstart.localhub.blobs;

import java.time.Clock;

/**
 * Who may do what on the built-in endpoint: Shared Key with the account key may do everything; a service SAS what it
 * grants, on the container or the one blob it names; a request with neither is answered as Azure answers anonymous
 * requests to a private container, 404 ResourceNotFound.
 */
public final class BlobAccess {
    private final StorageAccount account;
    private final Clock clock;

    public BlobAccess(StorageAccount account, Clock clock) {
        this.account = account;
        this.clock = clock;
    }

    public StorageAccount account() {
        return account;
    }

    /** @throws BlobError when the request may not do what it asks */
    public void authorize(BlobRequest request, boolean https) {
        String authorization = request.header("authorization");
        if (authorization != null) {
            SharedKey.verify(account, authorization, request.method(), request.rawPath(), request.rawQuery(),
                    request.headers(), clock.instant());
            return;
        }
        if (ServiceSas.present(request.query())) {
            if (request.operation().sasPermissions().isEmpty()) {
                throw BlobError.resourceTypeMismatch("A service SAS cannot create or delete containers.");
            }
            ServiceSas.verify(account, request.query(), request.container(), request.blobName(),
                    request.operation().scope(), request.operation().sasPermissions(), https, clock.instant());
            return;
        }
        throw BlobError.resourceNotFound();
    }
}
