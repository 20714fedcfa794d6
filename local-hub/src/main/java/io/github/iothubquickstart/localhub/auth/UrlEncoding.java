package io.github.iothubquickstart.localhub.auth;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** URL encoding as the Azure SDKs use it in SAS tokens. */
final class UrlEncoding {

    private UrlEncoding() {
    }

    /** Form encoding, like java.net.URLEncoder in the Azure Java SDKs and WebUtility.UrlEncode in IoT Hub. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Form decoding: "+" becomes a space, as IoT Hub's WebUtility.UrlDecode does. */
    static String decodeForm(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    /** Percent decoding only: a literal "+" stays (base64 signatures sent unencoded keep their "+"). */
    static String decodePercent(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
