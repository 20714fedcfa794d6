package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.blobs.BlobError;

/** One byte range of a blob ({@code x-ms-range} or {@code Range}: {@code bytes=first-last} or {@code bytes=first-}). */
record ByteRange(long first, long last) {

    long length() {
        return last - first + 1;
    }

    /**
     * @return null when there is no range header (the whole blob)
     * @throws BlobError 416 InvalidRange when the range starts past the blob's end; 400 for a malformed range
     */
    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        if (!value.matches("bytes=\\d{1,18}-\\d{0,18}")) {
            throw BlobError.invalidHeader("The range " + header + " is not bytes=first-last or bytes=first-.");
        }
        String[] bounds = value.substring("bytes=".length()).split("-", -1);
        long first = Long.parseLong(bounds[0]);
        long last = bounds[1].isEmpty() ? size - 1 : Long.parseLong(bounds[1]);
        if (last < first) {
            throw BlobError.invalidHeader("The range " + header + " ends before it starts.");
        }
        if (first >= size) {
            throw new BlobError(416, "InvalidRange", "The range specified is invalid for the current size of the"
                    + " resource. Size: " + size);
        }
        return new ByteRange(first, Math.min(last, size - 1));
    }
}
