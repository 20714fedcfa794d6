package io.github.iothubquickstart.localhub.amqp;

import io.vertx.core.Vertx;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token grants of one client's AMQP connection: its $cbs node (the links put-token requests arrive on and answers
 * leave by), each request decided by {@link ClaimsBasedSecurity} and what it proved handed to the connection to grant,
 * and the timers that end each grant when its token expires unless a renewal came first.
 */
final class TokenGrants {
    private static final Logger LOG = LoggerFactory.getLogger(TokenGrants.class);
    /** A put-token is a few hundred bytes; nothing on $cbs needs more. */
    private static final long MAX_CBS_MESSAGE_BYTES = 16 * 1024;
    /** What a link closed because its grant's token expired says. */
    static final String TOKEN_EXPIRED = "The SAS token expired; put a new one on $cbs.";
    /** Vert.x timers take at most this; a token valid for longer is checked again then. */
    private static final long MAX_TIMER_MILLIS = Duration.ofDays(1).toMillis();

    private final Vertx vertx;
    private final Clock clock;
    private final ClaimsBasedSecurity security;
    private final ConnectionScope scope;
    /** Grants what a valid token proved; the answer to send. */
    private final Function<ClaimsBasedSecurity.Claim, CbsAnswer> grantor;
    /** The $cbs links: they stay open after every grant expired, so that a client can put a new token. */
    private final List<ProtonLink<?>> cbsLinks = new ArrayList<>();
    private ProtonSender cbsReplies;

    TokenGrants(Vertx vertx, Clock clock, ClaimsBasedSecurity security, ConnectionScope scope,
                Function<ClaimsBasedSecurity.Claim, CbsAnswer> grantor) {
        this.vertx = vertx;
        this.clock = clock;
        this.security = security;
        this.scope = scope;
        this.grantor = grantor;
    }

    /** The link put-token requests arrive on. */
    void attachRequests(ProtonReceiver receiver) {
        receiver.setTarget(receiver.getRemoteTarget());
        receiver.setMaxMessageSize(UnsignedLong.valueOf(MAX_CBS_MESSAGE_BYTES));
        receiver.handler((delivery, message) -> scope.guarded(() -> onPutToken(message)));
        PeerClosedLinks.follow(receiver, null);
        cbsLinks.add(receiver);
        receiver.open();
    }

    /** The link the answers leave by. */
    void attachReplies(ProtonSender sender) {
        sender.setSource(sender.getRemoteSource());
        sender.setQoS(ProtonQoS.AT_MOST_ONCE);
        PeerClosedLinks.follow(sender, null);
        cbsLinks.add(sender);
        sender.open();
        cbsReplies = sender;
    }

    /** The $cbs links open (or closed by the peer but not yet forgotten). */
    List<ProtonLink<?>> links() {
        return cbsLinks;
    }

    /** Fault injection: the $cbs links of one direction detached with the fault's reason. */
    void detachLinks(Class<?> kind, String reason) {
        for (ProtonLink<?> link : List.copyOf(cbsLinks)) {
            if (kind.isInstance(link)) {
                cbsLinks.remove(link);
                PeerClosedLinks.detach(link, reason);
            }
        }
    }

    private void onPutToken(Message message) {
        CbsPutToken request;
        try {
            request = CbsPutToken.parse(message);
        } catch (CbsPutToken.InvalidRequestException e) {
            LOG.info("Refused a $cbs request from {}: {}", scope.who(), e.getMessage());
            reply(message.getMessageId(), message.getReplyTo(), new CbsAnswer(e.status(), e.getMessage()));
            return;
        }
        ClaimsBasedSecurity.Decision decision = security.decide(request);
        if (decision.claim() == null) {
            LOG.info("Refused a SAS token for {} from {}: {}", DeviceAddresses.printable(request.audience()),
                    scope.who(), decision.reason());
            reply(request.messageId(), message.getReplyTo(), decision.answer());
            return;
        }
        CbsAnswer answer = scope.ended()
                // Frames still read after the connection ended must not register a device that nothing would unregister.
                ? CbsAnswer.unauthorized("The connection is closing.")
                : grantor.apply(decision.claim());
        reply(request.messageId(), message.getReplyTo(), answer);
    }

    private void reply(Object requestMessageId, String replyTo, CbsAnswer answer) {
        if (cbsReplies == null || !cbsReplies.isOpen()) {
            LOG.info("No $cbs answer link open from {}; the answer {} was not sent", scope.who(), answer.status());
            return;
        }
        cbsReplies.send(answer.toMessage(requestMessageId, replyTo));
    }

    /**
     * Runs {@code onExpired} once the grant's token has expired: re-armed by a renewal (which calls this again) and past
     * the longest Vert.x timer; does nothing once {@code stillCurrent} says the grant was ended or replaced.
     */
    void scheduleExpiry(TokenGrant grant, BooleanSupplier stillCurrent, Runnable onExpired) {
        cancelExpiry(grant);
        long untilExpiry = grant.expiresAtEpochSecond * 1000 - clock.millis();
        grant.expiryTimer = vertx.setTimer(Math.max(1, Math.min(untilExpiry, MAX_TIMER_MILLIS)), fired -> {
            grant.expiryTimer = -1;
            if (!stillCurrent.getAsBoolean()) {
                return;
            }
            if (grant.expiredAt(clock.instant().getEpochSecond())) {
                onExpired.run();
            } else {
                scheduleExpiry(grant, stillCurrent, onExpired);
            }
        });
    }

    void cancelExpiry(TokenGrant grant) {
        if (grant.expiryTimer >= 0) {
            vertx.cancelTimer(grant.expiryTimer);
            grant.expiryTimer = -1;
        }
    }
}
