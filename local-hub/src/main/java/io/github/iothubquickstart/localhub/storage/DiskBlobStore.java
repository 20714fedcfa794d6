package io.github.iothubquickstart.localhub.storage;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.github.iothubquickstart.localhub.blobs.BlobError;
import io.github.iothubquickstart.localhub.blobs.BlobListing;
import io.github.iothubquickstart.localhub.blobs.BlobStore;
import io.github.iothubquickstart.localhub.blobs.ContentHeaders;
import io.github.iothubquickstart.localhub.blobs.StoredBlob;
import io.github.iothubquickstart.localhub.files.SecureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Containers and block blobs in files under the data directory ({@code blobs/}): a directory per container; per blob
 * a properties file named by the SHA-256 of the blob's name (any name is safe on any file system) that points to the
 * content file of the current version. Request bodies are streamed to {@code .uploads/} and renamed into place; a
 * new version is committed by replacing the properties file atomically, then the old content file goes. Uncommitted
 * blocks wait in {@code .blocks/} beside the container's blobs.
 */
public final class DiskBlobStore implements BlobStore {
    static final String DIRECTORY = "blobs";
    private static final String UPLOADS = ".uploads";
    private static final String BLOCKS = ".blocks";
    private static final String CONTAINER_MARKER = ".container";
    private static final String PROPERTIES = ".json";

    private final Path root;
    private final Path uploads;
    private final Object lock = new Object();

    private DiskBlobStore(Path root) {
        this.root = root;
        this.uploads = root.resolve(UPLOADS);
    }

    /** The store in {@code dataDirectory/blobs}, made owner-only if absent; bodies a crash left half-written go. */
    public static DiskBlobStore open(Path dataDirectory) {
        Path root = dataDirectory.resolve(DIRECTORY);
        try {
            if (!Files.isDirectory(root)) {
                SecureFiles.createOwnerOnlyDirectory(root);
            }
            Path uploads = root.resolve(UPLOADS);
            if (Files.isDirectory(uploads)) {
                deleteTree(uploads);
            }
            SecureFiles.createOwnerOnlyDirectory(uploads);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the blob store in " + root + " (" + e + ")", e);
        }
        return new DiskBlobStore(root);
    }

    @Override
    public boolean createContainer(String container, Instant now) {
        Path directory = root.resolve(container);
        synchronized (lock) {
            try {
                SecureFiles.createOwnerOnlyDirectory(directory);
            } catch (FileAlreadyExistsException exists) {
                return false;
            } catch (IOException e) {
                throw failure("create container " + container, e);
            }
            try {
                SecureFiles.writeAtomically(directory.resolve(CONTAINER_MARKER),
                        Long.toString(now.toEpochMilli()).getBytes(StandardCharsets.US_ASCII),
                        SecureFiles.OWNER_ONLY_FILE);
            } catch (IOException e) {
                throw failure("create container " + container, e);
            }
            return true;
        }
    }

    @Override
    public boolean deleteContainer(String container) {
        Path directory = root.resolve(container);
        synchronized (lock) {
            if (!Files.isDirectory(directory)) {
                return false;
            }
            // Gone at once for every reader, whatever the deletion of its files takes.
            Path doomed = uploads.resolve("deleted-" + UUID.randomUUID());
            try {
                Files.move(directory, doomed);
            } catch (IOException e) {
                throw failure("delete container " + container, e);
            }
            try {
                deleteTree(doomed);
            } catch (IOException ignored) {
                // left in .uploads, which the next start empties
            }
            return true;
        }
    }

    @Override
    public Optional<Instant> containerCreated(String container) {
        Path marker = root.resolve(container).resolve(CONTAINER_MARKER);
        try {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(Files.readString(marker).trim())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Files.isDirectory(root.resolve(container)) ? Optional.of(Instant.EPOCH) : Optional.empty();
        }
    }

    @Override
    public Path newUploadFile() {
        Path file = uploads.resolve(UUID.randomUUID() + ".upload");
        try {
            SecureFiles.createOwnerOnlyFile(file);
        } catch (IOException e) {
            throw failure("create an upload file", e);
        }
        return file;
    }

    @Override
    public StoredBlob commit(String container, String blobName, Path upload, ContentHeaders headers, Instant now) {
        Path directory = requireContainer(container);
        String key = key(blobName);
        String dataName = key + "." + UUID.randomUUID() + ".data";
        try {
            force(upload);
            long size = Files.size(upload);
            synchronized (lock) {
                requireContainer(container);
                Optional<JsonObject> previous = readProperties(directory.resolve(key + PROPERTIES));
                Files.move(upload, directory.resolve(dataName));
                Instant created = previous.map(json -> Instant.ofEpochMilli(json.get("created").getAsLong())).orElse(now);
                StoredBlob blob = new StoredBlob(blobName, size, headers, etag(), created, now,
                        directory.resolve(dataName));
                SecureFiles.writeAtomically(directory.resolve(key + PROPERTIES), toJson(blob).toString()
                        .getBytes(StandardCharsets.UTF_8), SecureFiles.OWNER_ONLY_FILE);
                previous.ifPresent(json -> deleteQuietly(directory.resolve(json.get("data").getAsString())));
                return blob;
            }
        } catch (IOException e) {
            throw failure("write blob " + container + "/" + blobName, e);
        }
    }

    @Override
    public void stageBlock(String container, String blobName, String blockId, Path upload) {
        Path directory = requireContainer(container);
        Path blocks = directory.resolve(BLOCKS).resolve(key(blobName));
        try {
            force(upload);
            synchronized (lock) {
                requireContainer(container);
                Files.createDirectories(blocks);
                SecureFiles.setPermissions(blocks, SecureFiles.OWNER_ONLY_DIRECTORY);
                Files.move(upload, blocks.resolve(blockFileName(blockId)),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw failure("stage a block of " + container + "/" + blobName, e);
        }
    }

    @Override
    public StoredBlob commitBlocks(String container, String blobName, List<String> blockIds, ContentHeaders headers,
                                   long maxBlobBytes, Instant now) {
        Path directory = requireContainer(container);
        Path blocks = directory.resolve(BLOCKS).resolve(key(blobName));
        List<Path> parts = new ArrayList<>();
        long total = 0;
        for (String blockId : blockIds) {
            Path part = blocks.resolve(blockFileName(blockId));
            if (!Files.isRegularFile(part)) {
                throw new BlobError(400, "InvalidBlockList", "The specified block list is invalid: block " + blockId
                        + " is not staged.");
            }
            parts.add(part);
            try {
                total += Files.size(part);
            } catch (IOException e) {
                throw failure("read a block of " + container + "/" + blobName, e);
            }
        }
        if (total > maxBlobBytes) {
            throw BlobError.tooLarge(maxBlobBytes);
        }
        Path upload = newUploadFile();
        try (FileChannel out = FileChannel.open(upload, StandardOpenOption.WRITE)) {
            for (Path part : parts) {
                try (FileChannel in = FileChannel.open(part, StandardOpenOption.READ)) {
                    long size = in.size();
                    long copied = 0;
                    while (copied < size) {
                        copied += in.transferTo(copied, size - copied, out);
                    }
                }
            }
        } catch (IOException e) {
            deleteQuietly(upload);
            throw failure("commit the blocks of " + container + "/" + blobName, e);
        }
        StoredBlob blob = commit(container, blobName, upload, headers, now);
        // Azure drops a blob's uncommitted blocks when its block list is committed.
        try {
            deleteTree(blocks);
        } catch (IOException ignored) {
            // stale blocks are replaced or dropped at the next commit
        }
        return blob;
    }

    @Override
    public Optional<StoredBlob> find(String container, String blobName) {
        Path directory = root.resolve(container);
        try {
            return readProperties(directory.resolve(key(blobName) + PROPERTIES)).map(json -> fromJson(directory, json));
        } catch (IOException e) {
            throw failure("read blob " + container + "/" + blobName, e);
        }
    }

    @Override
    public boolean delete(String container, String blobName) {
        Path directory = requireContainer(container);
        Path properties = directory.resolve(key(blobName) + PROPERTIES);
        synchronized (lock) {
            try {
                Optional<JsonObject> json = readProperties(properties);
                if (json.isEmpty()) {
                    return false;
                }
                Files.delete(properties);
                deleteQuietly(directory.resolve(json.get().get("data").getAsString()));
                deleteTree(directory.resolve(BLOCKS).resolve(key(blobName)));
                return true;
            } catch (IOException e) {
                throw failure("delete blob " + container + "/" + blobName, e);
            }
        }
    }

    @Override
    public BlobListing list(String container, String prefix, String delimiter, String marker, int maxResults) {
        Path directory = requireContainer(container);
        List<StoredBlob> all = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + PROPERTIES)) {
            for (Path file : files) {
                readProperties(file).ifPresent(json -> all.add(fromJson(directory, json)));
            }
        } catch (NoSuchFileException e) {
            throw BlobError.containerNotFound();
        } catch (IOException e) {
            throw failure("list container " + container, e);
        }
        all.sort(Comparator.comparing(StoredBlob::name));
        List<StoredBlob> blobs = new ArrayList<>();
        TreeSet<String> prefixes = new TreeSet<>();
        String next = null;
        for (StoredBlob blob : all) {
            String name = blob.name();
            if (!name.startsWith(prefix) || (marker != null && name.compareTo(marker) <= 0)) {
                continue;
            }
            String rolledUp = null;
            if (delimiter != null && !delimiter.isEmpty()) {
                int at = name.indexOf(delimiter, prefix.length());
                if (at >= 0) {
                    rolledUp = name.substring(0, at + delimiter.length());
                }
            }
            if (rolledUp != null && prefixes.contains(rolledUp)) {
                continue;
            }
            if (blobs.size() + prefixes.size() == maxResults) {
                next = name;
                break;
            }
            if (rolledUp != null) {
                prefixes.add(rolledUp);
            } else {
                blobs.add(blob);
            }
        }
        // The marker is the last name returned, so the next page starts after it.
        String nextMarker = next == null ? null : lastReturned(blobs, prefixes);
        return new BlobListing(blobs, List.copyOf(prefixes), nextMarker);
    }

    private static String lastReturned(List<StoredBlob> blobs, TreeSet<String> prefixes) {
        String lastBlob = blobs.isEmpty() ? "" : blobs.get(blobs.size() - 1).name();
        String lastPrefix = prefixes.isEmpty() ? "" : prefixes.last() + Character.MAX_VALUE;
        return lastBlob.compareTo(lastPrefix) >= 0 ? lastBlob : lastPrefix;
    }

    private Path requireContainer(String container) {
        Path directory = root.resolve(container);
        if (!Files.isDirectory(directory)) {
            throw BlobError.containerNotFound();
        }
        return directory;
    }

    private static Optional<JsonObject> readProperties(Path file) throws IOException {
        try {
            return Optional.of(JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(file + " is damaged: " + e.getMessage(), e);
        }
    }

    private static JsonObject toJson(StoredBlob blob) {
        JsonObject json = new JsonObject();
        json.addProperty("name", blob.name());
        json.addProperty("size", blob.size());
        json.addProperty("etag", blob.etag());
        json.addProperty("created", blob.created().toEpochMilli());
        json.addProperty("lastModified", blob.lastModified().toEpochMilli());
        json.addProperty("data", blob.content().getFileName().toString());
        ContentHeaders headers = blob.headers();
        json.addProperty("contentType", headers.contentType());
        json.addProperty("contentEncoding", headers.contentEncoding());
        json.addProperty("contentLanguage", headers.contentLanguage());
        json.addProperty("contentDisposition", headers.contentDisposition());
        json.addProperty("cacheControl", headers.cacheControl());
        json.addProperty("contentMd5", headers.contentMd5());
        return json;
    }

    private static StoredBlob fromJson(Path directory, JsonObject json) {
        return new StoredBlob(json.get("name").getAsString(), json.get("size").getAsLong(),
                new ContentHeaders(text(json, "contentType"), text(json, "contentEncoding"),
                        text(json, "contentLanguage"), text(json, "contentDisposition"), text(json, "cacheControl"),
                        text(json, "contentMd5")),
                json.get("etag").getAsString(), Instant.ofEpochMilli(json.get("created").getAsLong()),
                Instant.ofEpochMilli(json.get("lastModified").getAsLong()),
                directory.resolve(json.get("data").getAsString()));
    }

    private static String text(JsonObject json, String name) {
        return json.has(name) && !json.get(name).isJsonNull() ? json.get(name).getAsString() : null;
    }

    /** Azure's ETag form, {@code "0x8D...."}, unique per version. */
    private static String etag() {
        return "\"0x" + HexFormat.of().withUpperCase().toHexDigits(System.nanoTime() ^ UUID.randomUUID()
                .getMostSignificantBits()) + "\"";
    }

    /** The blob's name hashed: a file name of fixed length and alphabet whatever the blob is called. */
    private static String key(String blobName) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(blobName.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static String blockFileName(String blockId) {
        return HexFormat.of().formatHex(blockId.getBytes(StandardCharsets.UTF_8)) + ".block";
    }

    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // an orphan content file takes space but no reader finds it
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static StorageException failure(String what, IOException e) {
        return new StorageException("cannot " + what + ": " + e.getMessage(), e);
    }
}
