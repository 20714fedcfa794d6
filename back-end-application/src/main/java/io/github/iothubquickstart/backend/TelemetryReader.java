package io.github.iothubquickstart.backend;

import java.io.PrintStream;

/** Reads device-to-cloud messages from an Event Hubs-compatible endpoint and prints them. */
@FunctionalInterface
interface TelemetryReader {

    /**
     * @param fromStart whether to begin with the messages the hub kept (else only those that arrive from now on)
     * @param count     stop after this many messages; null to read until the process is stopped
     */
    Outcome read(TelemetrySource source, boolean fromStart, Integer count, PrintStream out);
}
