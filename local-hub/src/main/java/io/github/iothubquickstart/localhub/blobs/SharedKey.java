package io.github.iothubquickstart.localhub.blobs;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.text.Collator;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Azure Storage's Shared Key authorization ({@code Authorization: SharedKey account:signature}): the canonicalized
 * string-to-sign of the request, as the Azure Storage SDKs build it, signed with the account key. Used to check
 * requests to the built-in endpoint and to sign the hub's own requests to a storage account.
 */
public final class SharedKey {
    /** How far a request's date may be from the hub's clock, as Azure Storage allows. */
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(15);
    private static final List<String> STANDARD_HEADERS = List.of("content-encoding", "content-language",
            "content-length", "content-md5", "content-type", "date", "if-modified-since", "if-match", "if-none-match",
            "if-unmodified-since", "range");

    private SharedKey() {
    }

    /**
     * The string-to-sign of a request.
     *
     * @param headers  the request's headers, names in lower case, repeated headers' values joined by commas
     * @param rawPath  the path as sent, percent-encoding kept
     * @param rawQuery the query as sent, or null
     */
    public static String stringToSign(String account, String method, String rawPath, String rawQuery,
                                      Map<String, String> headers) {
        StringBuilder text = new StringBuilder(method);
        for (String name : STANDARD_HEADERS) {
            String value = headers.getOrDefault(name, "");
            if (name.equals("content-length") && value.equals("0")) {
                value = "";
            }
            if (name.equals("date") && headers.containsKey("x-ms-date")) {
                value = "";
            }
            text.append('\n').append(value);
        }
        Collator collator = Collator.getInstance(Locale.ROOT);
        List<String> msHeaders = new ArrayList<>(headers.keySet().stream().filter(name -> name.startsWith("x-ms-"))
                .toList());
        msHeaders.sort(collator);
        for (String name : msHeaders) {
            text.append('\n').append(name).append(':').append(headers.get(name));
        }
        text.append('\n').append(canonicalizedResource(account, rawPath, rawQuery, collator));
        return text.toString();
    }

    /** {@code SharedKey account:signature} for a request the hub sends. */
    public static String authorization(StorageAccount account, String method, String rawPath, String rawQuery,
                                       Map<String, String> headers) {
        return "SharedKey " + account.name() + ":"
                + account.sign(stringToSign(account.name(), method, rawPath, rawQuery, headers));
    }

    /**
     * Checks a request's {@code Authorization} header.
     *
     * @throws BlobError 403 AuthenticationFailed when the header is malformed, names another account, is not
     *                   signed with the account key, or the request's date is more than 15 minutes off
     */
    public static void verify(StorageAccount account, String authorization, String method, String rawPath,
                              String rawQuery, Map<String, String> headers, Instant now) {
        String prefix = "SharedKey ";
        if (!authorization.startsWith(prefix) || authorization.indexOf(':') < 0) {
            throw BlobError.authenticationFailed("The Authorization header is not 'SharedKey account:signature'.");
        }
        String credential = authorization.substring(prefix.length());
        int colon = credential.lastIndexOf(':');
        String name = credential.substring(0, colon);
        String signature = credential.substring(colon + 1);
        if (!name.equals(account.name())) {
            throw BlobError.authenticationFailed("The account " + name + " is not this endpoint's account.");
        }
        String date = headers.getOrDefault("x-ms-date", headers.get("date"));
        if (date == null) {
            throw BlobError.authenticationFailed("Request date header (x-ms-date or Date) not specified.");
        }
        Instant sent;
        try {
            sent = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw BlobError.authenticationFailed("The request date " + date + " is not an RFC 1123 date.");
        }
        if (Duration.between(sent, now).abs().compareTo(MAX_CLOCK_SKEW) > 0) {
            throw BlobError.authenticationFailed("Request date header too old (or too far ahead): " + date + ".");
        }
        String stringToSign = stringToSign(account.name(), method, rawPath, rawQuery, headers);
        if (!account.signed(stringToSign, signature)) {
            throw BlobError.authenticationFailed("The MAC signature found in the HTTP request '" + signature
                    + "' is not the same as any computed signature. Server used following string to sign: '"
                    + stringToSign.replace("\n", "\\n") + "'.");
        }
    }

    private static String canonicalizedResource(String account, String rawPath, String rawQuery, Collator collator) {
        StringBuilder resource = new StringBuilder("/").append(account).append(rawPath.isEmpty() ? "/" : rawPath);
        if (rawQuery == null || rawQuery.isEmpty()) {
            return resource.toString();
        }
        TreeMap<String, List<String>> parameters = new TreeMap<>(collator);
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = decode(equals < 0 ? pair : pair.substring(0, equals)).toLowerCase(Locale.ROOT);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            List<String> values = parameters.computeIfAbsent(key, ignored -> new ArrayList<>());
            for (String piece : value.split(",")) {
                values.add(decode(piece));
            }
        }
        parameters.forEach((key, values) -> {
            values.sort(collator);
            resource.append('\n').append(key).append(':').append(String.join(",", values));
        });
        return resource.toString();
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw BlobError.invalidQuery("The query is not percent-encoded correctly.");
        }
    }
}
