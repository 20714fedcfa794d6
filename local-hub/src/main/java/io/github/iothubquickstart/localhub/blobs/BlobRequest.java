package io.github.iothubquickstart.localhub.blobs;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A request to the built-in blob endpoint, parsed and validated: which operation on which container and blob.
 * Path-style, as Azurite's: {@code /{account}/{container}/{blob}}.
 *
 * @param headers  header names in lower case, repeated values joined by commas
 * @param query    the query's parameters, decoded (the first of repeated ones)
 * @param rawPath  the path as sent (what Shared Key signs)
 * @param rawQuery the query as sent, or null
 */
public record BlobRequest(BlobOperation operation, String method, String container, String blobName,
                          Map<String, String> headers, Map<String, String> query, String rawPath, String rawQuery) {
    public static final int MAX_BLOB_NAME_LENGTH = 1024;
    private static final int MAX_QUERY_PARAMETERS = 64;

    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    /**
     * @throws BlobError 400 InvalidUri for a path outside the account or a bad container or blob name, 400
     *                   InvalidQueryParameterValue for an operation the endpoint does not serve, 404 for other accounts
     */
    public static BlobRequest parse(String account, String method, String rawPath, String rawQuery,
                                    Map<String, String> headers) {
        String accountPrefix = "/" + account;
        if (!rawPath.equals(accountPrefix) && !rawPath.startsWith(accountPrefix + "/")) {
            throw BlobError.resourceNotFound();
        }
        String rest = rawPath.substring(accountPrefix.length());
        rest = rest.startsWith("/") ? rest.substring(1) : rest;
        int slash = rest.indexOf('/');
        String container = decode(slash < 0 ? rest : rest.substring(0, slash));
        String blobName = slash < 0 || slash == rest.length() - 1 ? null : decode(rest.substring(slash + 1));
        if (container.isEmpty()) {
            throw new BlobError(400, "UnsupportedHttpVerb", "Service-level operations (list containers, account"
                    + " properties) are not served by this hub's blob endpoint.");
        }
        requireContainerName(container);
        if (blobName != null && (blobName.length() > MAX_BLOB_NAME_LENGTH || blobName.chars().anyMatch(c -> c < 0x20))) {
            throw BlobError.invalidUri("The blob name is longer than " + MAX_BLOB_NAME_LENGTH
                    + " characters or has control characters.");
        }
        Map<String, String> query = parseQuery(rawQuery);
        BlobOperation operation = operation(method, query, blobName != null);
        return new BlobRequest(operation, method, container, blobName, Map.copyOf(headers), Map.copyOf(query),
                rawPath, rawQuery);
    }

    /** Azure's container names: 3 to 63 lower-case letters, digits and single hyphens, starting with a letter or digit. */
    public static void requireContainerName(String container) {
        if (!container.matches("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
            throw new BlobError(400, "InvalidResourceName", "The specifed resource name contains invalid characters:"
                    + " a container name is 3 to 63 lower-case letters, digits and single hyphens.");
        }
    }

    private static BlobOperation operation(String method, Map<String, String> query, boolean blob) {
        String restype = query.get("restype");
        String comp = query.get("comp");
        if (!blob) {
            if (!"container".equals(restype)) {
                throw BlobError.invalidQuery("A container request needs restype=container.");
            }
            if (comp == null) {
                return switch (method) {
                    case "PUT" -> BlobOperation.CREATE_CONTAINER;
                    case "DELETE" -> BlobOperation.DELETE_CONTAINER;
                    case "GET", "HEAD" -> BlobOperation.GET_CONTAINER_PROPERTIES;
                    default -> throw unsupportedVerb(method);
                };
            }
            if (comp.equals("list") && method.equals("GET")) {
                return BlobOperation.LIST_BLOBS;
            }
            throw BlobError.invalidQuery("comp=" + comp + " on a container is not served by this hub's blob endpoint.");
        }
        if (comp == null) {
            return switch (method) {
                case "PUT" -> BlobOperation.PUT_BLOB;
                case "GET" -> BlobOperation.GET_BLOB;
                case "HEAD" -> BlobOperation.GET_BLOB_PROPERTIES;
                case "DELETE" -> BlobOperation.DELETE_BLOB;
                default -> throw unsupportedVerb(method);
            };
        }
        if (method.equals("PUT") && comp.equals("block")) {
            return BlobOperation.PUT_BLOCK;
        }
        if (method.equals("PUT") && comp.equals("blocklist")) {
            return BlobOperation.PUT_BLOCK_LIST;
        }
        throw BlobError.invalidQuery("comp=" + comp + " with " + method + " on a blob is not served by this hub's"
                + " blob endpoint.");
    }

    private static BlobError unsupportedVerb(String method) {
        return new BlobError(405, "UnsupportedHttpVerb", "The resource doesn't support the specified HTTP verb "
                + method + ".");
    }

    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        String[] pairs = rawQuery.split("&");
        if (pairs.length > MAX_QUERY_PARAMETERS) {
            throw BlobError.invalidQuery("The query has more than " + MAX_QUERY_PARAMETERS + " parameters.");
        }
        for (String pair : pairs) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals)).toLowerCase(Locale.ROOT);
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            query.putIfAbsent(name, value);
        }
        return query;
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw BlobError.invalidUri("The request URI is not percent-encoded correctly.");
        }
    }
}
