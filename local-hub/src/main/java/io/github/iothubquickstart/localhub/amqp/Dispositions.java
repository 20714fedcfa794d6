package io.github.iothubquickstart.localhub.amqp;

import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonReceiver;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;

/** How the hub settles what a client sent it: accepted, or rejected with IoT Hub's condition and why. */
final class Dispositions {
    private Dispositions() {
    }

    /** Settles the delivery, unless its link closed meanwhile (then the client sends it again). */
    static void settle(ProtonReceiver receiver, ProtonDelivery delivery, DeliveryState state) {
        if (receiver.isOpen()) {
            delivery.disposition(state, true);
        }
    }

    static Rejected rejected(Symbol condition, String description) {
        Rejected rejected = new Rejected();
        rejected.setError(new ErrorCondition(condition, description));
        return rejected;
    }
}
