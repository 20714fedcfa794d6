package io.github.iothubquickstart.localhub.amqp;

import org.apache.qpid.proton.amqp.Symbol;

/**
 * What a {@link ServiceNode} knows of one link a back-end attached: its address, who opened it (for the log), whether
 * the token that let it attach still holds (checked per message, as for devices), and how to refuse it. Confined to
 * the connection's event loop.
 */
interface ServiceLink {

    String address();

    /** The peer, for log lines: its AMQP container id. */
    String who();

    /** The shared access policy whose token let this link attach; null on a node that checks each request. */
    String policyName();

    /** Whether what arrives now may still be taken: the token has not expired nor been replaced by a refusal. */
    boolean authorized();

    /**
     * Runs {@code callback} once, when the link is gone: closed or detached by the peer, closed by the hub because
     * the token expired, or with its connection.
     */
    void onGone(Runnable callback);

    /** Refuses the link (an attach without a terminus, then a detach that says why) and logs it once. */
    void refuse(Symbol condition, String description);
}
