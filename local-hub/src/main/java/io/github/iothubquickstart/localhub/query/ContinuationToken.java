package io.github.iothubquickstart.localhub.query;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The opaque {@code x-ms-continuation} token: which query it belongs to (a digest of its text) and the position of
 * the last result sent (a device id, or a group's number). Holding no state, it survives a hub restart, and a
 * device added or removed between pages neither repeats nor skips another one's result.
 */
final class ContinuationToken {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private ContinuationToken() {
    }

    static String after(String query, String cursor) {
        return ENCODER.encodeToString((digest(query) + ":" + cursor).getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor the token carries. @throws InvalidQueryException if it is not a token of this query */
    static String cursor(String query, String token) {
        String text;
        try {
            text = new String(DECODER.decode(token.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw notThisQuery();
        }
        String prefix = digest(query) + ":";
        if (!text.startsWith(prefix) || text.length() == prefix.length()) {
            throw notThisQuery();
        }
        return text.substring(prefix.length());
    }

    private static InvalidQueryException notThisQuery() {
        return new InvalidQueryException("The x-ms-continuation token does not belong to this query; send the"
                + " token of the previous page of the same query, or none to start again.");
    }

    private static String digest(String query) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(query.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
