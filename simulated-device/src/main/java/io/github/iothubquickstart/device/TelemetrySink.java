package io.github.iothubquickstart.device;

import io.github.iothubquickstart.common.Telemetry;

/** Where telemetry goes: the hub in production, a list in tests. */
public interface TelemetrySink {

    /** Reports the hub's answer to one message. */
    @FunctionalInterface
    interface AckListener {
        /**
         * @param status the hub's status, e.g. {@code OK}
         * @param error null when the hub acknowledged the message, otherwise why it did not
         */
        void onAck(String status, Throwable error);
    }

    /** Queues one message; {@code listener} is called later from another thread. */
    void send(Telemetry telemetry, AckListener listener);
}
