package io.github.iothubquickstart.localhub.auth;

import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed {@code SharedAccessSignature sr=..&sig=..&se=..[&skn=..]} token.
 *
 * <p>Fields come in any order and each value is URL-decoded. The SDKs sign the {@code sr} value
 * exactly as they put it on the wire (the Java device SDK leaves it unencoded, Node and the Java
 * service SDK encode it), so the token keeps that raw form too: see {@link #signedResource()}.
 */
public final class SasToken {

    static final String PREFIX = "SharedAccessSignature ";
    /** Well above any real token (a 128-character device id fully percent-encoded is under 1 KB). */
    static final int MAX_LENGTH = 4096;

    private static final String RESOURCE = "sr";
    private static final String SIGNATURE = "sig";
    private static final String EXPIRY = "se";
    private static final String KEY_NAME = "skn";
    private static final Set<String> KNOWN_FIELDS = Set.of(RESOURCE, SIGNATURE, EXPIRY, KEY_NAME);

    private final String resource;
    private final String signedResource;
    private final byte[] signature;
    private final long expiresAtEpochSecond;
    private final String keyName;

    private SasToken(String resource, String signedResource, byte[] signature, long expiresAtEpochSecond,
            String keyName) {
        this.resource = resource;
        this.signedResource = signedResource;
        this.signature = signature;
        this.expiresAtEpochSecond = expiresAtEpochSecond;
        this.keyName = keyName;
    }

    public static SasToken parse(String value) throws InvalidSasTokenException {
        if (value == null) {
            throw new InvalidSasTokenException("SAS token is missing");
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidSasTokenException(
                    "SAS token is " + value.length() + " characters long, more than the limit of " + MAX_LENGTH);
        }
        if (!value.startsWith(PREFIX)) {
            throw new InvalidSasTokenException("SAS token does not start with \"" + PREFIX + "\"");
        }
        Map<String, String> fields = splitFields(value.substring(PREFIX.length()));
        String rawResource = required(fields, RESOURCE);
        String rawSignature = required(fields, SIGNATURE);
        String rawExpiry = required(fields, EXPIRY);
        String rawKeyName = fields.get(KEY_NAME);

        String resource = decode(RESOURCE, rawResource, false);
        byte[] signature = decodeSignature(decode(SIGNATURE, rawSignature, true));
        long expiry = parseExpiry(decode(EXPIRY, rawExpiry, false));
        // An empty skn is no key name: the Java provisioning device client signs "...&se=..&skn=".
        String keyName = rawKeyName == null || rawKeyName.isEmpty() ? null
                : nonEmpty(KEY_NAME, decode(KEY_NAME, rawKeyName, false));
        return new SasToken(nonEmpty(RESOURCE, resource), rawResource, signature, expiry, keyName);
    }

    private static Map<String, String> splitFields(String fieldList) throws InvalidSasTokenException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : fieldList.split("&", -1)) {
            int equals = field.indexOf('=');
            if (equals <= 0) {
                throw new InvalidSasTokenException("SAS token field \"" + abbreviate(field) + "\" is not name=value");
            }
            String name = field.substring(0, equals);
            if (!KNOWN_FIELDS.contains(name)) {
                throw new InvalidSasTokenException("SAS token has unknown field \"" + abbreviate(name)
                        + "\" (expected sr, sig, se and optionally skn)");
            }
            if (fields.put(name, field.substring(equals + 1)) != null) {
                throw new InvalidSasTokenException("SAS token has field \"" + name + "\" more than once");
            }
        }
        return fields;
    }

    private static String required(Map<String, String> fields, String name) throws InvalidSasTokenException {
        String value = fields.get(name);
        if (value == null) {
            throw new InvalidSasTokenException("SAS token has no \"" + name + "\" field");
        }
        return value;
    }

    private static String decode(String name, String raw, boolean keepPlus) throws InvalidSasTokenException {
        try {
            return keepPlus ? UrlEncoding.decodePercent(raw) : UrlEncoding.decodeForm(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidSasTokenException("SAS token field \"" + name + "\" is not validly URL-encoded");
        }
    }

    private static String nonEmpty(String name, String value) throws InvalidSasTokenException {
        if (value.isEmpty()) {
            throw new InvalidSasTokenException("SAS token field \"" + name + "\" is empty");
        }
        return value;
    }

    private static byte[] decodeSignature(String base64) throws InvalidSasTokenException {
        nonEmpty(SIGNATURE, base64);
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new InvalidSasTokenException("SAS token field \"sig\" is not valid base64");
        }
    }

    private static long parseExpiry(String value) throws InvalidSasTokenException {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidSasTokenException(
                    "SAS token field \"se\" must be the expiry time in whole seconds since 1970, not \""
                            + abbreviate(value) + "\"");
        }
        return Long.parseLong(value);
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    /** The URL-decoded {@code sr}, e.g. {@code myhub.example.com/devices/dev1}. */
    public String resource() {
        return resource;
    }

    /**
     * The {@code sr} exactly as it appeared in the token: the string the client signed
     * (IoT Hub signs the audience in its "encoded" form, which is whatever the client sent).
     */
    public String signedResource() {
        return signedResource;
    }

    /** The base64-decoded {@code sig}. */
    public byte[] signature() {
        return signature.clone();
    }

    public long expiresAtEpochSecond() {
        return expiresAtEpochSecond;
    }

    public Optional<String> keyName() {
        return Optional.ofNullable(keyName);
    }

    @Override
    public String toString() {
        // Never print the signature: the token is a bearer credential until it expires.
        return "SasToken[sr=" + resource + ", se=" + expiresAtEpochSecond
                + (keyName == null ? "" : ", skn=" + keyName) + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SasToken that
                && signedResource.equals(that.signedResource)
                && Arrays.equals(signature, that.signature)
                && expiresAtEpochSecond == that.expiresAtEpochSecond
                && Objects.equals(keyName, that.keyName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(signedResource, expiresAtEpochSecond, keyName);
    }
}
