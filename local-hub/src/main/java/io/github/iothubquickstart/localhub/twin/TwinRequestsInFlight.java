package io.github.iothubquickstart.localhub.twin;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;

/**
 * The twin requests of one device connection that wait for the store or for their answer to be sent. Capped: the
 * store works through the requests of all devices one at a time per event loop, so a device that sends them faster
 * than they are answered would otherwise queue its request bodies in the hub without end. Past the cap a request is
 * answered at once with IoT Hub's throttling error (429, 429001), as IoT Hub throttles twin operations.
 * Confined to the connection's event loop.
 */
public final class TwinRequestsInFlight {
    /** Far above what a device SDK has outstanding (it waits for each GET; reported patches go out as they are made). */
    public static final int MAX_PER_CONNECTION = 100;

    private int inFlight;

    /** Counts a new request, or returns false (and counts nothing) when the connection is at the cap. */
    public boolean tryStart() {
        if (inFlight >= MAX_PER_CONNECTION) {
            return false;
        }
        inFlight++;
        return true;
    }

    /** The request's answer was handed to the connection. */
    public void finished() {
        inFlight--;
    }

    /** What a request past the cap is answered. */
    public static IotHubError throttled() {
        return IotHubErrors.throttled("The device already has " + MAX_PER_CONNECTION
                + " twin requests in flight; send the next one once an answer came.");
    }
}
