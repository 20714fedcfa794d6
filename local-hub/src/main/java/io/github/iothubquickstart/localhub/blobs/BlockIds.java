package io.github.iothubquickstart.localhub.blobs;

import java.util.Base64;

/** Azure's rules for block ids: base64 of at most 64 bytes; a blob has at most 50,000 blocks. */
public final class BlockIds {
    public static final int MAX_BLOCKS = 50_000;
    private static final int MAX_ID_BYTES = 64;

    private BlockIds() {
    }

    /** @throws BlobError 400 InvalidQueryParameterValue when the id is not base64 of 1 to 64 bytes */
    public static String require(String blockId) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(blockId == null ? "" : blockId);
        } catch (IllegalArgumentException e) {
            decoded = new byte[0];
        }
        if (decoded.length == 0 || decoded.length > MAX_ID_BYTES) {
            throw BlobError.invalidQuery("The block id must be base64 of 1 to " + MAX_ID_BYTES + " bytes.");
        }
        return blockId;
    }
}
