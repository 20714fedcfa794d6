package io.github.iothubquickstart.localhub.importexport;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Runs the lines of an import's input blob one by one, in order, as IoT Hub does: each line is applied or, when it
 * cannot be, reported in the error log (IoT Hub's {@code importErrors.log}: one JSON line per failure with
 * {@code errorCode}, {@code errorStatus} and the device's and module's id where known); a failing line does not stop
 * the others. Lines are read straight from the blob's bytes, so the input is held once.
 */
final class DeviceImport {
    /** How much of a malformed line the error log repeats. */
    private static final int QUOTED_LINE_CHARS = 512;

    private final DeviceLineFormat format;
    private final ImportEntryApplier applier;

    DeviceImport(DeviceLineFormat format, ImportEntryApplier applier) {
        this.format = format;
        this.applier = applier;
    }

    /** What an import did: the error log's bytes and how many lines failed; null when it was cancelled. */
    record Outcome(byte[] errorLog, int failedLines, int lines) {
    }

    Outcome run(byte[] input, JobProgress progress) {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int failed = 0;
        int lineNumber = 0;
        int start = 0;
        while (start < input.length) {
            if (progress.cancelled()) {
                return null;
            }
            int end = start;
            while (end < input.length && input[end] != '\n') {
                end++;
            }
            lineNumber++;
            int contentEnd = end > start && input[end - 1] == '\r' ? end - 1 : end;
            String errorLine = applyLine(input, start, contentEnd, lineNumber);
            if (errorLine != null) {
                errors.writeBytes(errorLine.getBytes(StandardCharsets.UTF_8));
                errors.write('\n');
                failed++;
            }
            start = end + 1;
            progress.report(Math.min(start, input.length), input.length);
        }
        return new Outcome(errors.toByteArray(), failed, lineNumber);
    }

    /** @return the error log's line for this line, or null when it was applied (or is blank) */
    private String applyLine(byte[] input, int start, int end, int lineNumber) {
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(input, start, end - start)).toString();
        } catch (CharacterCodingException e) {
            return format.errorLine(null, null, IotHubErrors.deserializationError(
                    "Invalid device format in line " + lineNumber + ": it is not UTF-8 text."));
        }
        if (lineNumber == 1 && line.startsWith("\uFEFF")) {
            line = line.substring(1); // a byte order mark, as .NET's StreamWriter writes one
        }
        if (line.isBlank()) {
            return null;
        }
        ImportEntry entry;
        try {
            entry = format.parse(line);
        } catch (IotHubError e) {
            return format.errorLine(null, null, IotHubErrors.deserializationError("Invalid device format in line "
                    + lineNumber + ": " + quoted(line) + ". " + e.getMessage()));
        }
        try {
            applier.apply(entry);
            return null;
        } catch (IotHubError e) {
            return format.errorLine(entry.deviceId(), entry.moduleId(), e);
        }
    }

    private static String quoted(String line) {
        return line.length() <= QUOTED_LINE_CHARS ? line : line.substring(0, QUOTED_LINE_CHARS) + "...";
    }
}
