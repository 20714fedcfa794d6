package io.github.iothubquickstart.localhub.blobs;

/**
 * An Azure Storage error: the HTTP status, the error code Azure Storage names it by ({@code BlobNotFound},
 * {@code AuthenticationFailed}, ...) and a message; the endpoint answers it as Azure's XML error body.
 */
public final class BlobError extends RuntimeException {
    private final int status;
    private final String code;
    private final String authenticationDetail;

    public BlobError(int status, String code, String message) {
        this(status, code, message, null);
    }

    private BlobError(int status, String code, String message, String authenticationDetail) {
        super(message);
        this.status = status;
        this.code = code;
        this.authenticationDetail = authenticationDetail;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** What Azure puts in {@code AuthenticationErrorDetail}, or null. */
    public String authenticationDetail() {
        return authenticationDetail;
    }

    public static BlobError authenticationFailed(String detail) {
        return new BlobError(403, "AuthenticationFailed", "Server failed to authenticate the request. Make sure the"
                + " value of Authorization header is formed correctly including the signature.", detail);
    }

    public static BlobError permissionMismatch(String detail) {
        return new BlobError(403, "AuthorizationPermissionMismatch",
                "This request is not authorized to perform this operation using this permission. " + detail);
    }

    public static BlobError resourceTypeMismatch(String detail) {
        return new BlobError(403, "AuthorizationResourceTypeMismatch",
                "This request is not authorized to perform this operation using this resource type. " + detail);
    }

    public static BlobError containerNotFound() {
        return new BlobError(404, "ContainerNotFound", "The specified container does not exist.");
    }

    public static BlobError blobNotFound() {
        return new BlobError(404, "BlobNotFound", "The specified blob does not exist.");
    }

    public static BlobError resourceNotFound() {
        return new BlobError(404, "ResourceNotFound", "The specified resource does not exist.");
    }

    public static BlobError invalidUri(String message) {
        return new BlobError(400, "InvalidUri", message);
    }

    public static BlobError invalidHeader(String message) {
        return new BlobError(400, "InvalidHeaderValue", message);
    }

    public static BlobError invalidQuery(String message) {
        return new BlobError(400, "InvalidQueryParameterValue", message);
    }

    public static BlobError tooLarge(long limit) {
        return new BlobError(413, "RequestBodyTooLarge", "The request body is too large and exceeds the maximum"
                + " permissible limit (" + limit + " bytes on this hub).");
    }
}
