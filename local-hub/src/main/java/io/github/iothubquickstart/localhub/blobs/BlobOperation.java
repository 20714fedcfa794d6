package io.github.iothubquickstart.localhub.blobs;

/** The Blob service operations the built-in endpoint serves, each with what a service SAS must grant for it. */
public enum BlobOperation {
    CREATE_CONTAINER(ServiceSas.Scope.CONTAINER, ""),
    DELETE_CONTAINER(ServiceSas.Scope.CONTAINER, ""),
    GET_CONTAINER_PROPERTIES(ServiceSas.Scope.CONTAINER, "rl"),
    LIST_BLOBS(ServiceSas.Scope.CONTAINER, "l"),
    PUT_BLOB(ServiceSas.Scope.BLOB, "cw"),
    PUT_BLOCK(ServiceSas.Scope.BLOB, "cw"),
    PUT_BLOCK_LIST(ServiceSas.Scope.BLOB, "cw"),
    GET_BLOB(ServiceSas.Scope.BLOB, "r"),
    GET_BLOB_PROPERTIES(ServiceSas.Scope.BLOB, "r"),
    DELETE_BLOB(ServiceSas.Scope.BLOB, "d");

    private final ServiceSas.Scope scope;
    /** Any one of these SAS permissions allows it; none: no service SAS does (Shared Key only). */
    private final String sasPermissions;

    BlobOperation(ServiceSas.Scope scope, String sasPermissions) {
        this.scope = scope;
        this.sasPermissions = sasPermissions;
    }

    public ServiceSas.Scope scope() {
        return scope;
    }

    public String sasPermissions() {
        return sasPermissions;
    }
}
