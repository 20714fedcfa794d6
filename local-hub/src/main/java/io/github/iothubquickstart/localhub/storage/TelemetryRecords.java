package io.github.iothubquickstart.localhub.storage;

import io.github.iothubquickstart.localhub.telemetry.IncomingTelemetry;
import io.github.iothubquickstart.localhub.telemetry.TelemetryMessage;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * One telemetry message as bytes in a segment of the telemetry log: {@code length, crc32c, sequence, enqueued millis,
 * device id, system properties, application properties, body}, every string and the body length-prefixed. The length
 * counts the bytes after itself and the checksum covers those after itself, so a record cut short by a crash or
 * damaged on disk is recognised and never read as a message.
 */
final class TelemetryRecords {
    /** Length and checksum. */
    static final int PREFIX_BYTES = 8;
    /** Sequence number and enqueued time: what a reader needs to skip or find a record without decoding it. */
    static final int HEADER_BYTES = PREFIX_BYTES + 16;
    /** Far above the hub's 256 KB message limit; a larger length can only be damage. */
    static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    private TelemetryRecords() {
    }

    /** Appends the record of {@code message} to {@code out}, growing it if needed; returns the buffer written to. */
    static ByteBuffer encode(ByteBuffer out, long sequence, long enqueuedMillis, IncomingTelemetry message) {
        byte[] deviceId = message.deviceId().getBytes(StandardCharsets.UTF_8);
        int size = PREFIX_BYTES + 16 + 4 + deviceId.length + propertiesSize(message.systemProperties())
                + propertiesSize(message.applicationProperties()) + 4 + message.body().length;
        if (size > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("a telemetry message of " + size + " bytes is over the log's limit");
        }
        ByteBuffer buffer = ensureRoom(out, size);
        int start = buffer.position();
        buffer.putInt(size - 4).putInt(0).putLong(sequence).putLong(enqueuedMillis);
        putBytes(buffer, deviceId);
        putProperties(buffer, message.systemProperties());
        putProperties(buffer, message.applicationProperties());
        putBytes(buffer, message.body());
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().position(start + PREFIX_BYTES).limit(buffer.position()));
        buffer.putInt(start + 4, (int) crc.getValue());
        return buffer;
    }

    /**
     * The length of the whole record starting at the buffer's position, or -1 if the buffer does not hold all of it.
     * Throws {@link DamagedRecordException} for a length no record can have.
     */
    static int completeLength(ByteBuffer buffer) {
        if (buffer.remaining() < 4) {
            return -1;
        }
        int length = buffer.getInt(buffer.position());
        if (length < HEADER_BYTES - 4 || length > MAX_RECORD_BYTES) {
            throw new DamagedRecordException("impossible record length " + length);
        }
        return buffer.remaining() >= length + 4 ? length + 4 : -1;
    }

    /** Checks the checksum of the complete record at the buffer's position; does not move it. */
    static void verify(ByteBuffer buffer, int recordLength) {
        int start = buffer.position();
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().position(start + PREFIX_BYTES).limit(start + recordLength));
        if ((int) crc.getValue() != buffer.getInt(start + 4)) {
            throw new DamagedRecordException("checksum mismatch");
        }
    }

    static long sequence(ByteBuffer buffer) {
        return buffer.getLong(buffer.position() + PREFIX_BYTES);
    }

    static long enqueuedMillis(ByteBuffer buffer) {
        return buffer.getLong(buffer.position() + PREFIX_BYTES + 8);
    }

    /** Decodes the complete, verified record at the buffer's position and moves past it. */
    static TelemetryMessage decode(ByteBuffer buffer) {
        try {
            int length = buffer.getInt();
            int end = buffer.position() + length;
            buffer.getInt();
            long sequence = buffer.getLong();
            Instant enqueued = Instant.ofEpochMilli(buffer.getLong());
            String deviceId = getString(buffer);
            Map<String, String> system = getProperties(buffer);
            Map<String, String> application = getProperties(buffer);
            byte[] body = new byte[buffer.getInt()];
            buffer.get(body);
            if (buffer.position() != end) {
                throw new DamagedRecordException("record length does not match its content");
            }
            return new TelemetryMessage(sequence, deviceId, enqueued, system, application, body);
        } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            throw new DamagedRecordException("malformed record (" + e + ")");
        }
    }

    private static ByteBuffer ensureRoom(ByteBuffer buffer, int needed) {
        if (buffer.remaining() >= needed) {
            return buffer;
        }
        int capacity = Math.max(buffer.capacity() * 2, buffer.position() + needed);
        ByteBuffer larger = ByteBuffer.allocateDirect(capacity);
        larger.put(buffer.flip());
        return larger;
    }

    private static int propertiesSize(Map<String, String> properties) {
        int size = 4;
        for (Map.Entry<String, String> entry : properties.entrySet()) {
            size += 8 + utf8Length(entry.getKey()) + utf8Length(entry.getValue());
        }
        return size;
    }

    private static int utf8Length(String text) {
        int length = text.length();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return text.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return length;
    }

    private static void putProperties(ByteBuffer buffer, Map<String, String> properties) {
        buffer.putInt(properties.size());
        for (Map.Entry<String, String> entry : properties.entrySet()) {
            putBytes(buffer, entry.getKey().getBytes(StandardCharsets.UTF_8));
            putBytes(buffer, entry.getValue().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void putBytes(ByteBuffer buffer, byte[] bytes) {
        buffer.putInt(bytes.length).put(bytes);
    }

    private static Map<String, String> getProperties(ByteBuffer buffer) {
        int count = buffer.getInt();
        if (count < 0 || count > buffer.remaining() / 8) {
            throw new DamagedRecordException("impossible property count " + count);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            properties.put(getString(buffer), getString(buffer));
        }
        return properties;
    }

    private static String getString(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new DamagedRecordException("impossible string length " + length);
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A record that a crash cut short or the disk damaged. */
    static final class DamagedRecordException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DamagedRecordException(String message) {
            super(message, null, false, false);
        }
    }
}
