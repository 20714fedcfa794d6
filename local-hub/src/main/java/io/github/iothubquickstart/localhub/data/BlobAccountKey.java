package io.github.iothubquickstart.localhub.data;

import io.github.iothubquickstart.localhub.blobs.BuiltInBlobStorage;
import io.github.iothubquickstart.localhub.blobs.StorageAccount;
import io.github.iothubquickstart.localhub.files.SecureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The account key of the hub's built-in blob endpoint: 64 random bytes made once per data directory (never a
 * well-known key such as Azurite's), kept base64 in {@value #FILE}, readable by its owner only.
 */
public final class BlobAccountKey {
    static final String FILE = "blob-account.key";
    private static final int KEY_BYTES = 64;

    private BlobAccountKey() {
    }

    /** The account of {@code dataDirectory}, its key made now if it has none. */
    public static StorageAccount loadOrCreate(Path dataDirectory) {
        Path file = dataDirectory.resolve(FILE);
        if (!Files.exists(file)) {
            create(file);
        }
        try {
            return new StorageAccount(BuiltInBlobStorage.ACCOUNT_NAME, Files.readString(file, StandardCharsets.US_ASCII)
                    .trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (" + e + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " is damaged (" + e.getMessage() + "): delete it and a new blob"
                    + " account key is made on the next start", e);
        }
    }

    /** Made once: when two processes race, the first one's key stands ({@link SecureFiles#createOwnerOnlyOnce}). */
    private static void create(Path file) {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        try {
            SecureFiles.createOwnerOnlyOnce(file, Base64.getEncoder().encodeToString(key)
                    .getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file + " (" + e + ")", e);
        }
    }
}
