package io.github.iothubquickstart.localhub.blobs;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * Azure Storage's service SAS for blobs: the string-to-sign of the SAS's version ({@code sv}), signed with the
 * account key. The hub signs the tokens it hands out (file upload) and checks the ones its blob endpoint is given.
 */
public final class ServiceSas {
    /** The version the hub signs with: the string-to-sign with the encryption scope field (2020-12-06 and later). */
    public static final String SIGNED_VERSION = "2021-08-06";
    /** The first version whose string-to-sign has the snapshot field; older tokens are refused. */
    private static final String OLDEST_VERIFIED_VERSION = "2018-11-09";
    private static final String LAST_VERSION_WITHOUT_ENCRYPTION_SCOPE = "2020-10-02";
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    /** What an operation needs of a SAS. */
    public enum Scope { BLOB, CONTAINER }

    private ServiceSas() {
    }

    /** {@code /blob/{account}/{container}} or {@code /blob/{account}/{container}/{blob}}: what the SAS is for. */
    public static String canonicalName(String account, String container, String blobNameOrNull) {
        return "/blob/" + account + "/" + container + (blobNameOrNull == null ? "" : "/" + blobNameOrNull);
    }

    /**
     * A query string ({@code ?sv=...&sig=...}) granting {@code permissions} (Azure's letters in Azure's order, e.g.
     * {@code rcw}) on one blob until {@code expiry}, over HTTPS only.
     */
    public static String signForBlob(StorageAccount account, String container, String blobName, String permissions,
                                     Instant expiry) {
        String se = SECONDS.format(expiry.truncatedTo(ChronoUnit.SECONDS));
        String stringToSign = String.join("\n", permissions, "", se,
                canonicalName(account.name(), container, blobName), "", "", "https", SIGNED_VERSION, "b", "", "", "", "",
                "", "", "");
        return "?sv=" + SIGNED_VERSION + "&spr=https&se=" + encode(se) + "&sr=b&sp=" + permissions
                + "&sig=" + encode(account.sign(stringToSign));
    }

    /** Whether the query carries a SAS at all ({@code sig}). */
    public static boolean present(Map<String, String> query) {
        return query.containsKey("sig");
    }

    /**
     * Checks the SAS in {@code query} for an operation on {@code container} (and {@code blobNameOrNull}) needing
     * one of {@code permissions}.
     *
     * @throws BlobError 403 AuthenticationFailed for a bad signature, an expired or not yet valid token, a wrong
     *                   protocol; AuthorizationPermissionMismatch or AuthorizationResourceTypeMismatch when the token
     *                   does not cover the operation
     */
    public static void verify(StorageAccount account, Map<String, String> query, String container,
                              String blobNameOrNull, Scope scope, String permissions, boolean https, Instant now) {
        String sv = required(query, "sv");
        String sr = required(query, "sr");
        String sp = query.getOrDefault("sp", "");
        String st = query.getOrDefault("st", "");
        String se = query.getOrDefault("se", "");
        String spr = query.getOrDefault("spr", "");
        String sig = required(query, "sig");
        if (sv.compareTo(OLDEST_VERIFIED_VERSION) < 0 || !sv.matches("\\d{4}-\\d{2}-\\d{2}")) {
            throw BlobError.authenticationFailed("The signed version " + sv + " is not supported (use "
                    + OLDEST_VERIFIED_VERSION + " or later).");
        }
        if (query.containsKey("si")) {
            throw BlobError.authenticationFailed("Stored access policies (si) are not supported by this hub.");
        }
        if (!sr.equals("b") && !sr.equals("c")) {
            throw BlobError.authenticationFailed("Signed resource " + sr + " is not supported (b or c).");
        }
        String resourceBlob = sr.equals("b") ? blobNameOrNull : null;
        if (sr.equals("b") && blobNameOrNull == null) {
            throw BlobError.resourceTypeMismatch("A blob SAS (sr=b) does not reach the container.");
        }
        String canonical = canonicalName(account.name(), container, resourceBlob);
        String versionSegment = "";
        String stringToSign = sv.compareTo(LAST_VERSION_WITHOUT_ENCRYPTION_SCOPE) <= 0
                ? String.join("\n", sp, st, se, canonical, "", query.getOrDefault("sip", ""), spr, sv, sr,
                        versionSegment, v(query, "rscc"), v(query, "rscd"), v(query, "rsce"), v(query, "rscl"),
                        v(query, "rsct"))
                : String.join("\n", sp, st, se, canonical, "", query.getOrDefault("sip", ""), spr, sv, sr,
                        versionSegment, v(query, "ses"), v(query, "rscc"), v(query, "rscd"), v(query, "rsce"),
                        v(query, "rscl"), v(query, "rsct"));
        if (!account.signed(stringToSign, sig)) {
            throw BlobError.authenticationFailed("Signature did not match. String to sign used was "
                    + stringToSign.replace("\n", "\\n"));
        }
        if (se.isEmpty()) {
            throw BlobError.authenticationFailed("Signed expiry time (se) is required.");
        }
        Instant expiry = time(se, "se");
        if (!now.isBefore(expiry)) {
            throw BlobError.authenticationFailed("Signed expiry time [" + se + "] must be after signed start time"
                    + " and current time [" + SECONDS.format(now) + "].");
        }
        if (!st.isEmpty() && now.isBefore(time(st, "st"))) {
            throw BlobError.authenticationFailed("Signed start time [" + st + "] is after the current time ["
                    + SECONDS.format(now) + "].");
        }
        if (spr.equals("https") && !https) {
            throw BlobError.authenticationFailed("The SAS allows HTTPS only.");
        }
        if (scope == Scope.CONTAINER && sr.equals("b")) {
            throw BlobError.resourceTypeMismatch("A blob SAS (sr=b) does not reach the container.");
        }
        if (permissions.chars().noneMatch(permission -> sp.indexOf(permission) >= 0)) {
            throw BlobError.permissionMismatch("The SAS grants '" + sp + "'; the operation needs one of '"
                    + permissions + "'.");
        }
    }

    private static String v(Map<String, String> query, String name) {
        return query.getOrDefault(name, "");
    }

    private static String required(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null || value.isEmpty()) {
            throw BlobError.authenticationFailed("The SAS has no " + name + ".");
        }
        return value;
    }

    private static Instant time(String value, String name) {
        Optional<Instant> parsed = parseTime(value);
        return parsed.orElseThrow(() -> BlobError.authenticationFailed("The SAS's " + name + " is not an ISO 8601"
                + " UTC time: " + value));
    }

    /** Azure's accepted forms: {@code 2024-01-01}, {@code 2024-01-01T10:00Z}, with seconds and fractions. */
    static Optional<Instant> parseTime(String value) {
        try {
            if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return Optional.of(Instant.parse(value + "T00:00:00Z"));
            }
            if (value.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}Z")) {
                return Optional.of(Instant.parse(value.replace("Z", ":00Z")));
            }
            return Optional.of(Instant.parse(value));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
