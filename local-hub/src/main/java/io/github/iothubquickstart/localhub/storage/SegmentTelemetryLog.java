package io.github.iothubquickstart.localhub.storage;

import io.github.iothubquickstart.localhub.files.SecureFiles;
import io.github.iothubquickstart.localhub.telemetry.IncomingTelemetry;
import io.github.iothubquickstart.localhub.telemetry.TelemetryDurability;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import io.github.iothubquickstart.localhub.telemetry.TelemetryStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device-to-cloud messages on disk as an append-only log of segment files ({@link LogSegment}). An append is one
 * {@code write} into the page cache from the caller's thread, so what the hub acknowledged survives a crash of the
 * hub process; with {@link TelemetryDurability#FULL} each append is also flushed to the disk (fsync) first, so it
 * survives a power loss. Retention drops whole segments; reads by sequence number or by time use each segment's
 * sparse index. Appends are serialised; reads run beside them.
 */
public final class SegmentTelemetryLog implements TelemetryStore {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentTelemetryLog.class);
    /**
     * A new segment is started once the current one holds this much (the file is this long from the start, see
     * {@link LogSegment#reserve}); retention deletes whole segments.
     */
    static final long SEGMENT_BYTES = 8L * 1024 * 1024;
    /** Encoded batches are written in pieces of about this size, and the buffer shrinks back to it. */
    private static final int WRITE_BUFFER_BYTES = 256 * 1024;
    private static final String LOCK_FILE = "lock";
    /** The next segment, made ready in the background; never a segment's name (those end in .log). */
    static final String SPARE_FILE = "next-segment.spare";

    private final Path directory;
    private final TelemetryDurability durability;
    private final FileChannel lockChannel;
    private final List<LogSegment> segments;
    /**
     * Prepares the next segment and seals and deletes old ones, each taking milliseconds of disk work that would
     * otherwise hold up every device whose message is stored on the appending thread (the event loop).
     */
    private final ExecutorService maintenance = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "telemetry-log-maintenance");
        thread.setDaemon(true);
        return thread;
    });
    /** The next segment's file being prepared or ready; null until asked for. Guarded by this. */
    private Future<LogSegment.Prepared> spare;
    private ByteBuffer buffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
    private long lastSequence;
    private long lastMillis;
    private long firstRetained;
    private boolean closed;

    private SegmentTelemetryLog(Path directory, TelemetryDurability durability, FileChannel lockChannel,
                                List<LogSegment> segments) {
        this.directory = directory;
        this.durability = durability;
        this.lockChannel = lockChannel;
        this.segments = segments;
        LogSegment last = segments.get(segments.size() - 1);
        this.lastSequence = last.isEmpty() ? last.firstSequence() - 1 : last.lastSequence();
        this.lastMillis = segments.stream().mapToLong(LogSegment::lastMillis).max().orElse(Long.MIN_VALUE);
        this.firstRetained = segments.get(0).firstSequence();
    }

    /** Opens the log in {@code directory}, creating it on first use; refuses a log another process holds. */
    public static SegmentTelemetryLog open(Path directory, TelemetryDurability durability) {
        FileChannel lockChannel = null;
        List<LogSegment> segments = new ArrayList<>();
        try {
            if (!Files.isDirectory(directory)) {
                SecureFiles.createOwnerOnlyDirectory(directory);
            }
            lockChannel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock(directory, lockChannel);
            Files.deleteIfExists(directory.resolve(SPARE_FILE)); // a crash left it half-prepared, perhaps
            for (Path file : segmentFiles(directory)) {
                LogSegment.Opened opened = LogSegment.open(file);
                if (opened.damage() != null) {
                    LOG.warn("Telemetry log {}: cut {} bytes at the end of {} ({}); a crash left them, they were never"
                            + " acknowledged", directory, opened.bytesCut(), file.getFileName(), opened.damage());
                }
                LogSegment previous = segments.isEmpty() ? null : segments.get(segments.size() - 1);
                if (previous != null && previous.isEmpty()) {
                    previous.delete();
                    segments.remove(segments.size() - 1);
                    previous = segments.isEmpty() ? null : segments.get(segments.size() - 1);
                }
                if (previous != null && opened.segment().firstSequence() != previous.lastSequence() + 1) {
                    LOG.warn("Telemetry log {}: messages {} to {} are missing (cut from a damaged segment)", directory,
                            previous.lastSequence() + 1, opened.segment().firstSequence() - 1);
                }
                segments.add(opened.segment());
            }
            if (segments.isEmpty()) {
                segments.add(LogSegment.create(directory, 1, SEGMENT_BYTES));
            } else {
                segments.get(segments.size() - 1).reserve(SEGMENT_BYTES);
            }
            SegmentTelemetryLog log = new SegmentTelemetryLog(directory, durability, lockChannel, segments);
            log.prepareSpare();
            return log;
        } catch (IOException | RuntimeException e) {
            segments.forEach(LogSegment::close);
            closeQuietly(lockChannel);
            if (e instanceof StorageException storage) {
                throw storage;
            }
            throw new StorageException("telemetry log " + directory + " is unreadable (" + e + "): move it away to"
                    + " keep its messages for inspection, or delete it; the hub starts a new one (device keys are not"
                    + " affected)", e);
        }
    }

    private static void lock(Path directory, FileChannel lockChannel) {
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            lock = null;
        }
        if (lock == null) {
            throw new StorageException("telemetry log " + directory + " is in use by another process: is another"
                    + " local hub running on this data directory? Stop it, or give this one another --data-dir");
        }
    }

    private static List<Path> segmentFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> LogSegment.firstSequenceOf(file) >= 0)
                    .sorted(Comparator.comparingLong(LogSegment::firstSequenceOf))
                    .toList();
        }
    }

    /**
     * Writes the batch, numbering the messages in order, in one {@code write} (several for a batch over 256 KB); all
     * or nothing. Enqueued times are kept in millisecond steps and never go back, so that a time finds a position.
     */
    @Override
    public synchronized List<TelemetryMessage> append(List<IncomingTelemetry> batch) {
        if (closed) {
            throw new StorageException("telemetry log " + directory + " is closed");
        }
        LogSegment segment = activeSegment();
        long start = segment.size();
        long sequence = lastSequence;
        long millis = lastMillis;
        List<TelemetryMessage> stored = new ArrayList<>(batch.size());
        long[] positions = new long[batch.size() + 1];
        try {
            long written = start;
            buffer.clear();
            for (int i = 0; i < batch.size(); i++) {
                IncomingTelemetry message = batch.get(i);
                sequence++;
                millis = Math.max(millis, message.enqueuedTime().toEpochMilli());
                positions[i] = written + buffer.position();
                buffer = TelemetryRecords.encode(buffer, sequence, millis, message);
                stored.add(new TelemetryMessage(sequence, message.deviceId(), Instant.ofEpochMilli(millis),
                        message.systemProperties(), message.applicationProperties(), message.body()));
                if (buffer.position() >= WRITE_BUFFER_BYTES) {
                    written += buffer.position();
                    segment.write(buffer.flip(), written - buffer.limit());
                    buffer.clear();
                }
            }
            positions[batch.size()] = written + buffer.position();
            segment.write(buffer.flip(), written);
            if (durability == TelemetryDurability.FULL) {
                segment.force();
            }
        } catch (IOException | IllegalArgumentException e) {
            segment.cutTo(start);
            throw new StorageException("telemetry log " + directory + ": could not store " + batch.size()
                    + " messages (" + e.getMessage() + ")", e);
        } finally {
            if (buffer.capacity() > WRITE_BUFFER_BYTES) {
                buffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
            }
        }
        for (int i = 0; i < stored.size(); i++) {
            TelemetryMessage message = stored.get(i);
            segment.appended(message.sequenceNumber(), message.enqueuedTime().toEpochMilli(), positions[i], positions[i + 1]);
        }
        lastSequence = sequence;
        lastMillis = millis;
        return stored;
    }

    private LogSegment activeSegment() {
        LogSegment active = segments.get(segments.size() - 1);
        if (active.size() < SEGMENT_BYTES) {
            return active;
        }
        try {
            LogSegment next = takeSpare(lastSequence + 1);
            if (next == null) {
                next = LogSegment.create(directory, lastSequence + 1, SEGMENT_BYTES);
            }
            if (durability == TelemetryDurability.FULL) {
                active.force();
                forceDirectory();
            }
            segments.add(next);
            maintenance.execute(active::seal);
            prepareSpare();
            return next;
        } catch (IOException e) {
            throw new StorageException("telemetry log " + directory + ": could not start a new segment (" + e + ")", e);
        }
    }

    /** Starts preparing the next segment's file unless one is on its way. */
    private synchronized void prepareSpare() {
        if (spare == null && !closed) {
            Path file = directory.resolve(SPARE_FILE);
            spare = maintenance.submit(() -> LogSegment.prepare(file, SEGMENT_BYTES));
        }
    }

    /**
     * The prepared spare as the segment starting at {@code firstSequence}; null when it is not ready yet (it then
     * serves the roll after this one) or could not be prepared (the caller then creates the segment itself, and
     * fails with the reason if the disk refuses).
     */
    private LogSegment takeSpare(long firstSequence) throws IOException {
        if (spare == null || !spare.isDone()) {
            return null;
        }
        Future<LogSegment.Prepared> ready = spare;
        spare = null;
        try {
            return LogSegment.adopt(ready.get(), directory, firstSequence);
        } catch (ExecutionException failed) {
            LOG.warn("Telemetry log {}: could not prepare the next segment ahead ({}); creating it now", directory,
                    failed.getCause().toString());
            return null;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void forceDirectory() throws IOException {
        // The new file's name must survive a power loss too; Linux lets a directory be opened and synced.
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            LOG.debug("Cannot sync directory {} on this platform", directory, notSupported);
        }
    }

    /** Up to {@code limit} retained messages with a sequence number above {@code afterSequence}, oldest first. */
    @Override
    public List<TelemetryMessage> readAfter(long afterSequence, int limit) {
        List<Span> spans;
        long after;
        synchronized (this) {
            after = Math.max(afterSequence, firstRetained - 1);
            spans = new ArrayList<>();
            for (LogSegment segment : segments) {
                if (segment.lastSequence() > after) {
                    long from = segment.firstSequence() > after ? 0 : segment.positionAfterSequence(after);
                    spans.add(new Span(segment, from, segment.size()));
                }
            }
        }
        List<TelemetryMessage> messages = new ArrayList<>(Math.min(limit, 1024));
        for (Span span : spans) {
            if (messages.size() >= limit) {
                break;
            }
            read(span, (record, position) -> {
                if (TelemetryRecords.sequence(record) > after) {
                    messages.add(TelemetryRecords.decode(record));
                }
                return messages.size() < limit;
            });
        }
        return messages;
    }

    /** The sequence number of the oldest retained message enqueued at or after {@code time}; the next one if none is. */
    @Override
    public long firstSequenceAtOrAfter(Instant time) {
        long first = firstSequenceAtOrAfter(time.toEpochMilli());
        return first < 0 ? lastSequence() + 1 : first;
    }

    @Override
    public synchronized long lastSequence() {
        return lastSequence;
    }

    private synchronized long firstRetainedSequence() {
        return firstRetained;
    }

    /** The sequence number of the first retained message enqueued at or after {@code millis}; -1 if none is. */
    private long firstSequenceAtOrAfter(long millis) {
        Span span;
        synchronized (this) {
            LogSegment found = null;
            for (LogSegment segment : segments) {
                if (!segment.isEmpty() && segment.lastMillis() >= millis && segment.lastSequence() >= firstRetained) {
                    found = segment;
                    break;
                }
            }
            if (found == null) {
                return -1;
            }
            span = new Span(found, found.positionAtMillis(millis), found.size());
        }
        long[] first = {-1};
        long retained = firstRetainedSequence();
        read(span, (record, position) -> {
            long sequence = TelemetryRecords.sequence(record);
            if (TelemetryRecords.enqueuedMillis(record) >= millis && sequence >= retained) {
                first[0] = sequence;
                return false;
            }
            return true;
        });
        return first[0];
    }

    private record Span(LogSegment segment, long from, long to) {
    }

    private void read(Span span, LogSegment.RecordVisitor visitor) {
        try {
            LogSegment.ScanEnd end = span.segment().scan(span.from(), span.to(), visitor);
            if (end.damage() != null) {
                throw new StorageException("telemetry log " + directory + ": " + span.segment().file().getFileName()
                        + " is damaged at byte " + end.position() + " (" + end.damage() + ")");
            }
        } catch (ClosedByInterruptException interrupted) {
            throw new StorageException("telemetry log " + directory + ": the reading thread was interrupted", interrupted);
        } catch (ClosedChannelException pruned) {
            // retention dropped the segment while it was read: its messages are gone, as they would be a moment later
        } catch (IOException e) {
            throw new StorageException("telemetry log " + directory + ": could not read stored messages (" + e + ")", e);
        }
    }

    /**
     * Drops what retention no longer covers: beyond the newest {@code maxMessages}, or enqueued before
     * {@code notBefore}. Reads stop showing them at once; their segments are deleted (in the background) once
     * wholly dropped, except the one being written.
     */
    @Override
    public int prune(long maxMessages, Instant notBefore) {
        long byAge = firstSequenceAtOrAfter(notBefore.toEpochMilli());
        List<LogSegment> dropped = new ArrayList<>();
        int count;
        synchronized (this) {
            if (closed) {
                return 0;
            }
            long keepFrom = Math.max(lastSequence - maxMessages + 1, byAge < 0 ? lastSequence + 1 : byAge);
            if (keepFrom <= firstRetained) {
                return 0;
            }
            count = (int) Math.min(Integer.MAX_VALUE, keepFrom - firstRetained);
            firstRetained = keepFrom;
            while (segments.size() > 1 && segments.get(0).lastSequence() < firstRetained) {
                dropped.add(segments.remove(0));
            }
        }
        if (!dropped.isEmpty()) {
            try {
                maintenance.execute(() -> delete(dropped));
            } catch (RejectedExecutionException closedMeanwhile) {
                delete(dropped);
            }
        }
        return count;
    }

    private static void delete(List<LogSegment> dropped) {
        for (LogSegment segment : dropped) {
            try {
                segment.delete();
            } catch (IOException e) {
                LOG.warn("Could not delete {} beyond retention: {}", segment.file(), e.toString());
            }
        }
    }

    @Override
    public String location() {
        return directory.toString();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        maintenance.shutdown();
        try {
            if (!maintenance.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Telemetry log {}: segment maintenance did not finish within 30 s", directory);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        discardSpare();
        segments.forEach(LogSegment::close);
        closeQuietly(lockChannel);
    }

    private void discardSpare() {
        if (spare != null && spare.isDone()) {
            try {
                spare.get().discard();
            } catch (ExecutionException | InterruptedException | CancellationException notPrepared) {
                // nothing to discard; a file left behind is deleted when the log is opened next
            }
        }
        spare = null;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // releases the lock either way
            }
        }
    }
}
