package io.github.iothubquickstart.localhub.blobs;

/**
 * The content properties a blob keeps and answers with: what its writer set ({@code x-ms-blob-content-type} and the
 * like), and the MD5 of its content (base64) when known.
 */
public record ContentHeaders(String contentType, String contentEncoding, String contentLanguage,
                             String contentDisposition, String cacheControl, String contentMd5) {
    public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    public ContentHeaders withMd5(String md5) {
        return new ContentHeaders(contentType, contentEncoding, contentLanguage, contentDisposition, cacheControl, md5);
    }
}
