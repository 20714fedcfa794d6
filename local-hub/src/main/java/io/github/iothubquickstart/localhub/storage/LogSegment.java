package io.github.iothubquickstart.localhub.storage;

import io.github.iothubquickstart.localhub.files.SecureFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One file of the telemetry log: records of consecutive sequence numbers, appended at its end, named after the first
 * sequence number it holds. Keeps a sparse index in memory (every {@value #INDEX_EVERY}th record: sequence number,
 * enqueued time, position), so that a reader finds a sequence number or a time by a binary search and a short scan.
 * Not thread-safe: {@link SegmentTelemetryLog} guards it; positional reads of the file may run beside an append
 * (the mapping and the file share the page cache).
 */
final class LogSegment {
    static final int INDEX_EVERY = 64;
    private static final String SUFFIX = ".log";
    private static final int READ_CHUNK = 64 * 1024;

    private final Path file;
    private final long firstSequence;
    /** Replaced when an interrupted reader closed it (see {@link #channel()}); guarded by this. */
    private FileChannel channel;
    private boolean closed;
    /** The file while it is written to; null once sealed, or for a segment only read. */
    private MappedByteBuffer mapped;
    private long size;
    /** The end of the furthest write since the last cut: what a failed write may have touched. */
    private long attemptedEnd;
    private long lastSequence;
    private long firstMillis = Long.MAX_VALUE;
    private long lastMillis = Long.MIN_VALUE;
    private long[] indexSequence = new long[16];
    private long[] indexMillis = new long[16];
    private long[] indexPosition = new long[16];
    private int indexed;

    private LogSegment(Path file, long firstSequence, FileChannel channel) {
        this.file = file;
        this.firstSequence = firstSequence;
        this.channel = channel;
        this.lastSequence = firstSequence - 1;
    }

    static Path fileOf(Path directory, long firstSequence) {
        return directory.resolve(String.format("%020d%s", firstSequence, SUFFIX));
    }

    /** The first sequence number of a segment file's name; -1 for a file that is not a segment. */
    static long firstSequenceOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX) || name.length() != 20 + SUFFIX.length()) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A new, empty segment, its file extended to {@code reservedBytes} (see {@link #reserve}). */
    static LogSegment create(Path directory, long firstSequence, long reservedBytes) throws IOException {
        return writable(prepare(fileOf(directory, firstSequence), reservedBytes), firstSequence);
    }

    /**
     * A new file, zero-filled and mapped (see {@link #reserve}). Prepared ahead of need under a name that is not a
     * segment's, it makes starting the next segment a rename ({@link #adopt}) instead of writing megabytes of zeros
     * while devices wait for their acknowledgements.
     */
    record Prepared(Path file, FileChannel channel, MappedByteBuffer mapped) {
        /** Unmaps, closes and deletes the file. */
        void discard() {
            Mappings.release(mapped);
            try {
                channel.close();
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a spare left behind is deleted when the log is opened next
            }
        }
    }

    /** Creates {@code file} (which must not exist) and prepares it as {@code reservedBytes}; nothing is left on failure. */
    static Prepared prepare(Path file, long reservedBytes) throws IOException {
        SecureFiles.createOwnerOnlyFile(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            return new Prepared(file, channel, zeroFillAndMap(channel, reservedBytes));
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** A file prepared ahead, renamed as the segment that starts at {@code firstSequence}. */
    static LogSegment adopt(Prepared spare, Path directory, long firstSequence) throws IOException {
        Path file = fileOf(directory, firstSequence);
        Files.move(spare.file(), file, StandardCopyOption.ATOMIC_MOVE);
        return writable(new Prepared(file, spare.channel(), spare.mapped()), firstSequence);
    }

    private static LogSegment writable(Prepared prepared, long firstSequence) {
        LogSegment segment = new LogSegment(prepared.file(), firstSequence, prepared.channel());
        segment.mapped = prepared.mapped();
        return segment;
    }

    /**
     * Fills the file with zeros up to {@code bytes} and maps it, so that an append is a copy into the page cache (no
     * system call; what is copied survives a crash of the process as a write would) that never grows the file. The
     * zeros are written, not left as a hole, so that the disk space is taken now: a full disk fails this call
     * instead of a later copy into the mapping (which would be a fatal SIGBUS). A record length of zero therefore
     * marks the end of the records.
     */
    void reserve(long bytes) throws IOException {
        mapped = zeroFillAndMap(channel(), bytes);
    }

    private static MappedByteBuffer zeroFillAndMap(FileChannel channel, long bytes) throws IOException {
        long at = channel.size();
        ByteBuffer zeros = ByteBuffer.allocateDirect(256 * 1024);
        while (at < bytes) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - at));
            at += channel.write(zeros, at);
        }
        return channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
    }

    /** Ends writing to this segment: unmaps it and cuts the unused reserve off. */
    void seal() {
        unmap();
        cutTo(size);
    }

    /** Synchronized: a segment may be sealed in the background while retention deletes it. */
    private synchronized void unmap() {
        MappedByteBuffer released = mapped;
        mapped = null;
        if (released != null) {
            Mappings.release(released);
        }
    }

    /**
     * Opens an existing segment and reads it whole, checking every record. Stops at the first record a crash cut
     * short or the disk damaged and cuts the file there: what follows was never acknowledged (a crash of the hub) or
     * cannot be trusted (a crash of the machine without FULL durability). Returns what was cut, for the log.
     */
    static Opened open(Path file) throws IOException {
        LogSegment segment = new LogSegment(file, firstSequenceOf(file),
                FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
        try {
            long fileSize = segment.channel.size();
            ScanEnd end = segment.scan(0, fileSize, (record, position) -> {
                long sequence = TelemetryRecords.sequence(record);
                if (sequence != segment.lastSequence + 1) {
                    throw new TelemetryRecords.DamagedRecordException("sequence number " + sequence + " where "
                            + (segment.lastSequence + 1) + " was expected");
                }
                segment.noteRecord(sequence, TelemetryRecords.enqueuedMillis(record), position);
                return true;
            });
            segment.size = end.position();
            long cut = 0;
            if (end.damage() != null) {
                segment.channel.truncate(end.position());
                cut = fileSize - end.position();
            }
            return new Opened(segment, end.damage(), cut);
        } catch (IOException | RuntimeException e) {
            segment.channel.close();
            throw e;
        }
    }

    record Opened(LogSegment segment, String damage, long bytesCut) {
    }

    /** Writes {@code records} (whole records, as encoded) at {@code position}; {@link #appended} then notes each. */
    void write(ByteBuffer records, long position) throws IOException {
        attemptedEnd = Math.max(attemptedEnd, position + records.remaining());
        if (mapped != null && position + records.remaining() <= mapped.capacity()) {
            mapped.put((int) position, records, records.position(), records.remaining());
            records.position(records.limit());
            return;
        }
        long at = position;
        FileChannel writable = channel();
        while (records.hasRemaining()) {
            at += writable.write(records, at);
        }
    }

    /**
     * Cuts off what a failed write may have left after {@code position}; best effort, opening cuts it anyway. Within
     * the reserved space of a segment being written the file keeps its length and the bytes are zeroed instead: the
     * mapping must stay backed by the file, or the next append into it would be a fatal SIGBUS (a full disk fails a
     * write that runs past the reserve, then a smaller message still fits in it).
     */
    void cutTo(long position) {
        MappedByteBuffer reserve = mapped;
        long keep = position;
        if (reserve != null && position < reserve.capacity()) {
            byte[] zeros = new byte[64 * 1024];
            for (long at = position, end = Math.min(attemptedEnd, reserve.capacity()); at < end; at += zeros.length) {
                reserve.put((int) at, zeros, 0, (int) Math.min(zeros.length, end - at));
            }
            keep = reserve.capacity();
        }
        attemptedEnd = position;
        try {
            FileChannel writable = channel();
            if (writable.size() > keep) {
                writable.truncate(keep);
            }
        } catch (IOException ignored) {
            // the write failed first; a partial record at the end is cut when the log is opened again
        }
    }

    /** Records that a record of {@code sequence}, enqueued at {@code millis}, now ends the segment at {@code end}. */
    void appended(long sequence, long millis, long position, long end) {
        noteRecord(sequence, millis, position);
        size = end;
    }

    void force() throws IOException {
        if (mapped != null) {
            mapped.force();
        }
        channel().force(false);
    }

    private void noteRecord(long sequence, long millis, long position) {
        lastSequence = sequence;
        firstMillis = Math.min(firstMillis, millis);
        lastMillis = Math.max(lastMillis, millis);
        if ((sequence - firstSequence) % INDEX_EVERY == 0) {
            if (indexed == indexSequence.length) {
                indexSequence = Arrays.copyOf(indexSequence, indexed * 2);
                indexMillis = Arrays.copyOf(indexMillis, indexed * 2);
                indexPosition = Arrays.copyOf(indexPosition, indexed * 2);
            }
            indexSequence[indexed] = sequence;
            indexMillis[indexed] = lastMillis;
            indexPosition[indexed] = position;
            indexed++;
        }
    }

    /** Where to start reading to find the first record with a sequence number above {@code afterSequence}. */
    long positionAfterSequence(long afterSequence) {
        return lastIndexedBelow(indexSequence, afterSequence + 2);
    }

    /** Where to start reading to find the first record enqueued at or after {@code millis}. */
    long positionAtMillis(long millis) {
        return lastIndexedBelow(indexMillis, millis);
    }

    /** The position of the last index entry whose key is below {@code limit} (keys ascend); 0 if none is. */
    private long lastIndexedBelow(long[] keys, long limit) {
        int low = 0;
        int high = indexed - 1;
        long position = 0;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (keys[middle] < limit) {
                position = indexPosition[middle];
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return position;
    }

    /** Receives each record; returns false to stop. The buffer is positioned at the record; do not keep it. */
    interface RecordVisitor {
        boolean visit(ByteBuffer record, long position) throws IOException;
    }

    /** Where a scan ended, and why if not at the end or on the visitor's request: a record cut short or damaged. */
    record ScanEnd(long position, String damage) {
    }

    /** Visits the checked records between {@code from} and {@code end}; safe beside an append (positional reads). */
    ScanEnd scan(long from, long end, RecordVisitor visitor) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(READ_CHUNK, Math.max(end - from, 0)));
        long bufferStart = from;
        buffer.limit(0);
        while (bufferStart + buffer.position() < end) {
            long position = bufferStart + buffer.position();
            if (buffer.remaining() >= 4 && buffer.getInt(buffer.position()) == 0) {
                return new ScanEnd(position, null); // the unused reserve: no record has length 0
            }
            int length;
            try {
                length = TelemetryRecords.completeLength(buffer);
            } catch (TelemetryRecords.DamagedRecordException e) {
                return new ScanEnd(position, e.getMessage());
            }
            if (length < 0) {
                long available = end - position;
                int needed = buffer.remaining() >= 4 ? buffer.getInt(buffer.position()) + 4 : 4;
                if (available < needed) {
                    return new ScanEnd(position, "record cut short");
                }
                buffer = refill(buffer, position, (int) Math.min(available, Math.max(READ_CHUNK, needed)));
                bufferStart = position;
                continue;
            }
            try {
                TelemetryRecords.verify(buffer, length);
                if (!visitor.visit(buffer.duplicate().limit(buffer.position() + length), position)) {
                    return new ScanEnd(position, null);
                }
            } catch (TelemetryRecords.DamagedRecordException e) {
                return new ScanEnd(position, e.getMessage());
            }
            buffer.position(buffer.position() + length);
        }
        return new ScanEnd(bufferStart + buffer.position(), null);
    }

    private ByteBuffer refill(ByteBuffer buffer, long position, int bytes) throws IOException {
        ByteBuffer target = buffer.capacity() >= bytes ? buffer.clear() : ByteBuffer.allocate(bytes);
        target.limit(bytes);
        while (target.hasRemaining()) {
            int read = channel().read(target, position + target.position());
            if (read < 0) {
                throw new IOException(file + " ended at " + (position + target.position()) + " while reading");
            }
        }
        return target.flip();
    }

    Path file() {
        return file;
    }

    long firstSequence() {
        return firstSequence;
    }

    long lastSequence() {
        return lastSequence;
    }

    long lastMillis() {
        return lastMillis;
    }

    long size() {
        return size;
    }

    boolean isEmpty() {
        return lastSequence < firstSequence;
    }

    void close() {
        unmap();
        FileChannel open;
        synchronized (this) {
            closed = true;
            open = channel;
        }
        try {
            open.close();
        } catch (IOException ignored) {
            // reads of a closed segment end; nothing of it is written any more
        }
    }

    /**
     * The segment's file, opened again when it was closed by other than {@link #close}: a {@code FileChannel} closes
     * itself for every thread when one thread is interrupted while it reads (a monitor or Event Hubs reader stopped
     * mid-read), and the appender and the other readers must go on.
     */
    private synchronized FileChannel channel() throws IOException {
        if (!channel.isOpen()) {
            if (closed) {
                throw new ClosedChannelException();
            }
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        return channel;
    }

    void delete() throws IOException {
        close();
        Files.deleteIfExists(file);
    }
}
