package io.github.iothubquickstart.localhub.telemetry;

/** How hard storing telemetry waits for the disk before the device is acknowledged. */
public enum TelemetryDurability {
    /** Acknowledged telemetry survives a crash of the hub (kill -9 included). */
    NORMAL,
    /** Also survives a power loss: each commit is flushed to the disk (fsync) first. */
    FULL
}
