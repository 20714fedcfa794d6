package io.github.iothubquickstart.benchmarks;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the soak checks at its end, per transport, from what the SDKs saw acknowledged and what the hub then holds:
 * telemetry read (at least once, in order per device, duplicates explained), cloud-to-device messages completed once
 * or reported expired, twins at their last acknowledged write with versions that only grew, registry intact. A lost
 * item is printed by name; the soak fails on any.
 */
final class SoakVerdict {
    private final List<String> lost = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<IotHubClientProtocol, Tally> tallies = new LinkedHashMap<>();

    /** The counts of one transport. */
    static final class Tally {
        int devices;
        long telemetrySent;
        long telemetryAcknowledged;
        long telemetryNotAcknowledged;
        long telemetryRead;
        long telemetryLost;
        long reReadAfterRewind;
        long resentBySdk;
        long outOfOrder;
        long cloudToDeviceAccepted;
        long cloudToDeviceCompleted;
        long cloudToDeviceExpired;
        long cloudToDeviceLost;
        long cloudToDeviceRedeliveredAfterKill;
        long cloudToDeviceTwiceInOneStart;
        long successFeedback;
        long feedbackMissing;
        long methodsAnswered;
        long methodsFailed;
        long reportedAcknowledged;
        long desiredAcknowledged;
        long twinViolations;
        long registryIntact;
        long registryLost;
        long reconnects;
        long reportsUnanswered;
        long unacknowledgedWritesLandedLast;
    }

    Tally tally(IotHubClientProtocol protocol) {
        return tallies.computeIfAbsent(protocol, p -> new Tally());
    }

    void telemetry(SoakDevice device, SoakTelemetryReader reader) {
        Tally tally = tally(device.protocol());
        tally.devices++;
        tally.reconnects += device.reconnects();
        tally.reportsUnanswered += device.reportsUnanswered();
        tally.telemetrySent += device.telemetrySent();
        tally.telemetryAcknowledged += device.acknowledged().size();
        tally.telemetryNotAcknowledged += device.telemetryNotAcknowledged();
        List<SoakTelemetryReader.Read> reads = reader.reads(device.deviceId());
        // What the hub stored, once each, in its order: the processor's reads without its re-reads.
        Map<Long, SoakTelemetryReader.Read> stored = new TreeMap<>();
        reads.forEach(read -> stored.putIfAbsent(read.sequenceNumber(), read));
        Set<Long> deviceSequences = new HashSet<>();
        long previous = 0;
        for (SoakTelemetryReader.Read read : stored.values()) {
            if (read.deviceSequence() < previous) {
                tally.outOfOrder++;
                violations.add("telemetry " + device.deviceId() + " seq " + read.deviceSequence() + " stored after seq "
                        + previous + " (partition " + read.partition() + ", sequence number " + read.sequenceNumber() + ")");
            }
            previous = Math.max(previous, read.deviceSequence());
            deviceSequences.add(read.deviceSequence());
        }
        tally.telemetryRead += deviceSequences.size();
        tally.reReadAfterRewind += reads.size() - stored.size();
        tally.resentBySdk += stored.size() - deviceSequences.size();
        for (long sequence : new java.util.TreeSet<>(device.acknowledged())) {
            if (!deviceSequences.contains(sequence)) {
                tally.telemetryLost++;
                lost.add("telemetry " + device.deviceId() + " (" + device.protocol() + ") seq " + sequence
                        + ": acknowledged to the device, never read");
            }
        }
    }

    void cloudToDevice(Map<String, SoakDevice> devices, SoakBackEnd backEnd) {
        for (Map.Entry<String, String> sent : backEnd.accepted().entrySet()) {
            String messageId = sent.getKey();
            SoakDevice device = devices.get(sent.getValue());
            Tally tally = tally(device.protocol());
            tally.cloudToDeviceAccepted++;
            List<Integer> received = device.cloudToDevice().getOrDefault(messageId, List.of());
            List<FeedbackStatusCode> feedback = backEnd.feedback().getOrDefault(messageId, List.of());
            boolean expired = feedback.contains(FeedbackStatusCode.expired)
                    || feedback.contains(FeedbackStatusCode.deliveryCountExceeded);
            if (!received.isEmpty()) {
                tally.cloudToDeviceCompleted++;
            } else if (expired) {
                tally.cloudToDeviceExpired++;
            } else {
                tally.cloudToDeviceLost++;
                lost.add("cloud-to-device " + messageId + " (" + device.protocol() + "): accepted, never received, "
                        + "feedback " + feedback);
            }
            if (feedback.contains(FeedbackStatusCode.success)) {
                tally.successFeedback++;
            } else if (!expired) {
                tally.feedbackMissing++;
                lost.add("feedback for cloud-to-device " + messageId + " (" + device.protocol() + "): received "
                        + received.size() + " time(s), no feedback (ack=full)");
            }
            // A second delivery is expected only when the hub was killed before it stored the device's completion.
            for (int i = 1; i < received.size(); i++) {
                if (received.get(i).equals(received.get(i - 1))) {
                    tally.cloudToDeviceTwiceInOneStart++;
                    violations.add("cloud-to-device " + messageId + " delivered twice during hub start "
                            + received.get(i));
                } else {
                    tally.cloudToDeviceRedeliveredAfterKill++;
                }
            }
        }
    }

    void methods(SoakDevice device, SoakBackEnd backEnd) {
        Tally tally = tally(device.protocol());
        SoakBackEnd.MethodLedger calls = backEnd.methodCalls(device.deviceId());
        tally.methodsAnswered += calls.answered.get();
        tally.methodsFailed += calls.failed.get();
    }

    /** The twin the hub holds now against the last acknowledged reported and desired writes. */
    void twin(SoakDevice device, SoakBackEnd.DesiredLedger desired, Twin twin) {
        Tally tally = tally(device.protocol());
        tally.reportedAcknowledged += device.reportsAcknowledged();
        tally.desiredAcknowledged += desired.acknowledgedWrites;
        List<String> problems = new ArrayList<>(device.violations());
        problems.addAll(desired.violations);
        checkLastWrite(problems, "reported", number(twin.getReportedProperties().get(SoakDevice.REPORTED_PROPERTY)),
                twin.getReportedProperties().getVersion(), device.reportAcknowledged(),
                device.reportAcknowledgedVersion(), device.reportAttempted(), device.reportsUnacknowledgedValues(), tally);
        checkLastWrite(problems, "desired", number(twin.getDesiredProperties().get(SoakDevice.DESIRED_PROPERTY)),
                twin.getDesiredProperties().getVersion(), desired.acknowledged, desired.acknowledgedVersion,
                desired.attempted, desired.unacknowledged, tally);
        tally.twinViolations += problems.size();
        problems.forEach(problem -> lost.add("twin " + device.deviceId() + " (" + device.protocol() + "): " + problem));
    }

    /**
     * The twin holds the last acknowledged write with at least its version, or, with a later version, a write that was
     * never acknowledged (one after it, or one given up on that the SDK resent after a reconnect, so it landed late):
     * never an acknowledged write that a later acknowledged one replaced, and never an older version.
     */
    private static void checkLastWrite(List<String> problems, String which, long value, Integer version,
                                       long lastAcknowledged, int lastAcknowledgedVersion, long lastAttempted,
                                       Set<Long> givenUp, Tally tally) {
        boolean unacknowledged = (value > lastAcknowledged && value <= lastAttempted) || givenUp.contains(value);
        if (version == null || version < lastAcknowledgedVersion) {
            problems.add(which + " version is " + version + ", an acknowledged write had " + lastAcknowledgedVersion);
        } else if (value == lastAcknowledged) {
            return;
        } else if (unacknowledged && version > lastAcknowledgedVersion) {
            tally.unacknowledgedWritesLandedLast++;
        } else {
            problems.add(which + " holds " + value + " (version " + version + "), the last acknowledged write was "
                    + lastAcknowledged + " (version " + lastAcknowledgedVersion + ")");
        }
    }

    void registry(IotHubClientProtocol protocol, String identity, boolean intact) {
        Tally tally = tally(protocol);
        if (intact) {
            tally.registryIntact++;
        } else {
            tally.registryLost++;
            lost.add("registry " + identity + " (" + protocol + "): missing or its keys changed");
        }
    }

    /** Prints the per-transport table, then every lost item and violation. */
    void print(PrintStream out) {
        out.println("| transport | devices | telemetry acked / read / lost | duplicates (re-read after checkpoint /"
                + " resent by SDK) | out of order | C2D accepted / completed / expired / lost | C2D redelivered after kill"
                + " / twice in one start | feedback success / missing | methods answered / failed | twin writes acked"
                + " reported / desired, problems | registry intact / lost |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Map.Entry<IotHubClientProtocol, Tally> entry : tallies.entrySet()) {
            Tally t = entry.getValue();
            out.printf("| %s | %d | %,d / %,d / %d | %,d (%,d / %,d) | %d | %,d / %,d / %d / %d | %d / %d | %,d / %d |"
                            + " %,d / %,d | %d / %d, %d | %d / %d |%n",
                    entry.getKey(), t.devices, t.telemetryAcknowledged, t.telemetryRead, t.telemetryLost,
                    t.reReadAfterRewind + t.resentBySdk, t.reReadAfterRewind, t.resentBySdk, t.outOfOrder,
                    t.cloudToDeviceAccepted, t.cloudToDeviceCompleted, t.cloudToDeviceExpired, t.cloudToDeviceLost,
                    t.cloudToDeviceRedeliveredAfterKill, t.cloudToDeviceTwiceInOneStart, t.successFeedback,
                    t.feedbackMissing, t.methodsAnswered, t.methodsFailed, t.reportedAcknowledged, t.desiredAcknowledged,
                    t.twinViolations, t.registryIntact, t.registryLost);
        }
        for (Map.Entry<IotHubClientProtocol, Tally> entry : tallies.entrySet()) {
            Tally t = entry.getValue();
            out.printf("%s: telemetry sent %,d, not acknowledged to the device %,d (not counted); reported writes the"
                            + " SDK never answered (the hub died after receiving them) %d; twins holding an"
                            + " unacknowledged write that landed after the last acknowledged one %d; SDK gave up and was"
                            + " reopened %d times%n", entry.getKey(), t.telemetrySent, t.telemetryNotAcknowledged,
                    t.reportsUnanswered, t.unacknowledgedWritesLandedLast, t.reconnects);
        }
        lost.forEach(item -> out.println("LOST " + item));
        violations.forEach(item -> out.println("VIOLATION " + item));
    }

    List<String> lost() {
        return lost;
    }

    List<String> violations() {
        return violations;
    }

    Map<IotHubClientProtocol, Tally> tallies() {
        return tallies;
    }

    private static long number(Object value) {
        return value instanceof Number number ? number.longValue() : value == null ? 0 : Long.parseLong(value.toString());
    }
}
