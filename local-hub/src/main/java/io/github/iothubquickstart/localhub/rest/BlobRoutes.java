package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.blobs.BlobAccess;
import io.github.iothubquickstart.localhub.blobs.BlobError;
import io.github.iothubquickstart.localhub.blobs.BlobListing;
import io.github.iothubquickstart.localhub.blobs.BlobRequest;
import io.github.iothubquickstart.localhub.blobs.BlobStore;
import io.github.iothubquickstart.localhub.blobs.BlobXml;
import io.github.iothubquickstart.localhub.blobs.BlockIds;
import io.github.iothubquickstart.localhub.blobs.BuiltInBlobStorage;
import io.github.iothubquickstart.localhub.blobs.ContentHeaders;
import io.github.iothubquickstart.localhub.blobs.StoredBlob;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in blob endpoint, path-style as Azurite serves it: {@code /{account}/{container}[/{blob}]} on the hub's
 * HTTPS listener. Parses, authorizes ({@link BlobAccess}), streams bodies to and from the {@link BlobStore}, and
 * answers in Azure Storage's shape (its status codes, headers and XML errors).
 */
public final class BlobRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(BlobRoutes.class);
    /** The service version the endpoint answers as when the request names none. */
    static final String SERVICE_VERSION = "2021-08-06";
    /** A block list of 50,000 ids of 88 base64 characters, with its tags. */
    private static final long MAX_BLOCK_LIST_BYTES = 8L * 1024 * 1024;
    private static final int MAX_LIST_RESULTS = 5000;

    private final BlobAccess access;
    private final BlobStore store;
    private final Clock clock;
    private final long maxBlobBytes;

    public BlobRoutes(BlobAccess access, BlobStore store, Clock clock, long maxBlobBytes) {
        this.access = access;
        this.store = store;
        this.clock = clock;
        this.maxBlobBytes = maxBlobBytes;
    }

    public void mountOn(Router router) {
        router.routeWithRegex("/" + access.account().name() + "(/.*)?").handler(this::handle);
    }

    private void handle(RoutingContext context) {
        HttpServerRequest http = context.request();
        // Until its body has somewhere to go (an upload file is made off the event loop): chunks meanwhile are kept.
        http.pause();
        String requestId = UUID.randomUUID().toString();
        BlobRequest request;
        try {
            request = BlobRequest.parse(access.account().name(), http.method().name(), http.path(), http.query(),
                    headers(http));
            access.authorize(request, true);
        } catch (BlobError e) {
            fail(context, requestId, e);
            return;
        }
        HttpServerResponse response = context.response()
                .putHeader("x-ms-request-id", requestId)
                .putHeader("x-ms-version", request.headers().getOrDefault("x-ms-version", SERVICE_VERSION))
                .putHeader("Date", BlobXml.HTTP_DATE.format(clock.instant()));
        Future<Void> answered = switch (request.operation()) {
            case CREATE_CONTAINER -> blocking(context, () -> store.createContainer(request.container(), clock.instant()))
                    .map(created -> {
                        if (!created) {
                            throw new BlobError(409, "ContainerAlreadyExists", "The specified container already exists.");
                        }
                        response.setStatusCode(201).end();
                        return null;
                    });
            case DELETE_CONTAINER -> blocking(context, () -> store.deleteContainer(request.container())).map(deleted -> {
                if (!deleted) {
                    throw BlobError.containerNotFound();
                }
                response.setStatusCode(202).end();
                return null;
            });
            case GET_CONTAINER_PROPERTIES -> blocking(context, () -> store.containerCreated(request.container()))
                    .map(created -> {
                        response.putHeader("Last-Modified", BlobXml.HTTP_DATE.format(created
                                        .orElseThrow(BlobError::containerNotFound)))
                                .putHeader("ETag", "\"0x" + Long.toHexString(created.get().toEpochMilli()).toUpperCase(Locale.ROOT) + "\"")
                                .putHeader("x-ms-lease-status", "unlocked").putHeader("x-ms-lease-state", "available")
                                .putHeader("x-ms-has-immutability-policy", "false").putHeader("x-ms-has-legal-hold", "false")
                                .setStatusCode(200).end();
                        return null;
                    });
            case LIST_BLOBS -> list(context, request);
            case PUT_BLOB -> putBlob(context, request);
            case PUT_BLOCK -> putBlock(context, request);
            case PUT_BLOCK_LIST -> putBlockList(context, request);
            case GET_BLOB, GET_BLOB_PROPERTIES -> getBlob(context, request);
            case DELETE_BLOB -> blocking(context, () -> store.delete(request.container(), request.blobName()))
                    .map(deleted -> {
                        if (!deleted) {
                            throw BlobError.blobNotFound();
                        }
                        response.putHeader("x-ms-delete-type-permanent", "true").setStatusCode(202).end();
                        return null;
                    });
        };
        answered.onFailure(failure -> fail(context, requestId, failure));
    }

    private Future<Void> list(RoutingContext context, BlobRequest request) {
        String prefix = request.query().getOrDefault("prefix", "");
        String delimiter = request.query().get("delimiter");
        String marker = emptyToNull(request.query().get("marker"));
        Integer maxResults = request.query().containsKey("maxresults") ? maxResults(request.query().get("maxresults"))
                : null;
        int limit = maxResults == null ? MAX_LIST_RESULTS : maxResults;
        String endpoint = "https://" + context.request().authority() + "/" + access.account().name() + "/";
        return blocking(context, () -> store.list(request.container(), prefix, delimiter, marker, limit))
                .map((BlobListing listing) -> {
                    context.response().setStatusCode(200).putHeader("Content-Type", "application/xml")
                            .end(BlobXml.listing(endpoint, request.container(), emptyToNull(prefix), marker, maxResults,
                                    delimiter, listing));
                    return null;
                });
    }

    private Future<Void> putBlob(RoutingContext context, BlobRequest request) {
        String blobType = request.header("x-ms-blob-type");
        if (blobType == null) {
            return Future.failedFuture(new BlobError(400, "MissingRequiredHeader",
                    "An HTTP header that's mandatory for this request is not specified: x-ms-blob-type."));
        }
        if (!blobType.equals("BlockBlob")) {
            return Future.failedFuture(BlobError.invalidHeader("Only block blobs are served by this hub (x-ms-blob-type"
                    + " BlockBlob, not " + blobType + ")."));
        }
        return receive(context, request).compose(upload -> blocking(context, () -> {
            try {
                return store.commit(request.container(), request.blobName(), upload.file(),
                        contentHeaders(request, request.header("content-type"), request.header("x-ms-blob-content-md5"))
                                .withMd5(orDefault(request.header("x-ms-blob-content-md5"), upload.md5())),
                        clock.instant());
            } finally {
                Files.deleteIfExists(upload.file());
            }
        })).map(blob -> {
            written(context.response(), blob).putHeader("Content-MD5", blob.headers().contentMd5()).setStatusCode(201).end();
            return null;
        });
    }

    private Future<Void> putBlock(RoutingContext context, BlobRequest request) {
        String blockId;
        try {
            blockId = BlockIds.require(request.query().get("blockid"));
        } catch (BlobError e) {
            return Future.failedFuture(e);
        }
        return receive(context, request).compose(upload -> blocking(context, () -> {
            try {
                store.stageBlock(request.container(), request.blobName(), blockId, upload.file());
                return upload.md5();
            } finally {
                Files.deleteIfExists(upload.file());
            }
        })).map(md5 -> {
            context.response().putHeader("Content-MD5", md5).putHeader("x-ms-request-server-encrypted", "false")
                    .setStatusCode(201).end();
            return null;
        });
    }

    private Future<Void> putBlockList(RoutingContext context, BlobRequest request) {
        return RequestBodyToFile.small(context.request(), MAX_BLOCK_LIST_BYTES)
                .compose(body -> blocking(context, () -> store.commitBlocks(request.container(), request.blobName(),
                        BlobXml.blockList(body.getBytes()), contentHeaders(request,
                                request.header("x-ms-blob-content-type"), request.header("x-ms-blob-content-md5")),
                        maxBlobBytes, clock.instant())))
                .map(blob -> {
                    written(context.response(), blob).setStatusCode(201).end();
                    return null;
                });
    }

    private Future<Void> getBlob(RoutingContext context, BlobRequest request) {
        return blocking(context, () -> {
            if (store.containerCreated(request.container()).isEmpty()) {
                throw BlobError.containerNotFound();
            }
            return store.find(request.container(), request.blobName()).orElseThrow(BlobError::blobNotFound);
        }).compose(blob -> {
            HttpServerResponse response = context.response();
            ContentHeaders headers = blob.headers();
            response.putHeader("Content-Type", orDefault(headers.contentType(), ContentHeaders.DEFAULT_CONTENT_TYPE))
                    .putHeader("ETag", blob.etag())
                    .putHeader("Last-Modified", BlobXml.HTTP_DATE.format(blob.lastModified()))
                    .putHeader("x-ms-creation-time", BlobXml.HTTP_DATE.format(blob.created()))
                    .putHeader("x-ms-blob-type", "BlockBlob")
                    .putHeader("x-ms-lease-status", "unlocked").putHeader("x-ms-lease-state", "available")
                    .putHeader("x-ms-server-encrypted", "false")
                    .putHeader("Accept-Ranges", "bytes");
            optional(response, "Content-Encoding", headers.contentEncoding());
            optional(response, "Content-Language", headers.contentLanguage());
            optional(response, "Content-Disposition", headers.contentDisposition());
            optional(response, "Cache-Control", headers.cacheControl());
            ByteRange range = ByteRange.parse(orDefault(request.header("x-ms-range"), request.header("range")),
                    blob.size());
            if (range == null) {
                optional(response, "Content-MD5", headers.contentMd5());
                response.putHeader("Content-Length", Long.toString(blob.size())).setStatusCode(200);
                return send(context, request, blob.content(), 0, blob.size());
            }
            optional(response, "x-ms-blob-content-md5", headers.contentMd5());
            response.putHeader("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + blob.size())
                    .putHeader("Content-Length", Long.toString(range.length())).setStatusCode(206);
            return send(context, request, blob.content(), range.first(), range.length());
        });
    }

    private static Future<Void> send(RoutingContext context, BlobRequest request, Path file, long offset, long length) {
        if (request.method().equals("HEAD") || length == 0) {
            return context.response().end();
        }
        return context.response().sendFile(file.toString(), offset, length);
    }

    /** The request body in a new upload file, checked against Content-MD5 when one is sent. */
    private Future<Upload> receive(RoutingContext context, BlobRequest request) {
        String length = request.header("content-length");
        if (length != null && parseLength(length) > maxBlobBytes) {
            return Future.failedFuture(BlobError.tooLarge(maxBlobBytes));
        }
        return blocking(context, store::newUploadFile).compose(file ->
                RequestBodyToFile.stream(context.vertx(), context.request(), file, maxBlobBytes)
                        .recover(failure -> deleteQuietly(context, file).compose(ignored -> Future.failedFuture(failure)))
                        .compose(written -> {
                            String sentMd5 = request.header("content-md5");
                            if (sentMd5 != null && !sentMd5.equals(written.md5())) {
                                return deleteQuietly(context, file).compose(ignored -> Future.failedFuture(
                                        new BlobError(400, "Md5Mismatch", "The MD5 value specified in the request did"
                                                + " not match with the MD5 value calculated by the server.")));
                            }
                            return Future.succeededFuture(new Upload(file, written.md5()));
                        }));
    }

    private record Upload(Path file, String md5) {
    }

    private static Future<Void> deleteQuietly(RoutingContext context, Path file) {
        return context.vertx().fileSystem().delete(file.toString()).otherwiseEmpty();
    }

    private static ContentHeaders contentHeaders(BlobRequest request, String contentType, String md5) {
        return new ContentHeaders(orDefault(orDefault(request.header("x-ms-blob-content-type"), contentType),
                ContentHeaders.DEFAULT_CONTENT_TYPE),
                request.header("x-ms-blob-content-encoding"), request.header("x-ms-blob-content-language"),
                request.header("x-ms-blob-content-disposition"), request.header("x-ms-blob-cache-control"), md5);
    }

    private static HttpServerResponse written(HttpServerResponse response, StoredBlob blob) {
        return response.putHeader("ETag", blob.etag())
                .putHeader("Last-Modified", BlobXml.HTTP_DATE.format(blob.lastModified()))
                .putHeader("x-ms-request-server-encrypted", "false");
    }

    private static <T> Future<T> blocking(RoutingContext context, Callable<T> work) {
        return context.vertx().executeBlocking(work, false);
    }

    /** Azure's error answer; a body the request still carries is not read, so the connection closes after it. */
    private void fail(RoutingContext context, String requestId, Throwable failure) {
        BlobError error = failure instanceof BlobError blobError ? blobError
                : new BlobError(500, "InternalError", "The server encountered an internal error. Please retry the"
                        + " request.");
        if (!(failure instanceof BlobError)) {
            LOG.error("Blob request {} {} failed", context.request().method(), context.request().path(), failure);
        }
        HttpServerResponse response = context.response();
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(error.status())
                .putHeader("x-ms-request-id", requestId)
                .putHeader("x-ms-error-code", error.code())
                .putHeader("x-ms-version", orDefault(context.request().getHeader("x-ms-version"), SERVICE_VERSION))
                .putHeader("Content-Type", "application/xml");
        if (error.status() == 416) {
            response.putHeader("Content-Range", "bytes */" + error.getMessage().replaceAll("\\D", ""));
        }
        if (!context.request().isEnded()) {
            response.putHeader("Connection", "close");
        }
        if (context.request().method().name().equals("HEAD")) {
            response.end();
        } else {
            response.end(BlobXml.error(error, requestId, clock.instant()));
        }
    }

    private static Map<String, String> headers(HttpServerRequest request) {
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach(entry -> headers.merge(entry.getKey().toLowerCase(Locale.ROOT), entry.getValue(),
                (first, second) -> first + "," + second));
        return headers;
    }

    private static Integer maxResults(String value) {
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1) {
                return Math.min(parsed, MAX_LIST_RESULTS);
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw BlobError.invalidQuery("maxresults must be a positive number, not " + value + ".");
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw BlobError.invalidHeader("Content-Length is not a number.");
        }
    }

    private static void optional(HttpServerResponse response, String name, String value) {
        if (value != null) {
            response.putHeader(name, value);
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String orDefault(String value, String fallback) {
        return value != null ? value : fallback;
    }
}
