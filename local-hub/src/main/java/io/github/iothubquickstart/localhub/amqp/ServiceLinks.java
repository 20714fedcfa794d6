package io.github.iothubquickstart.localhub.amqp;

import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A back-end's side of one AMQP connection: the service policies its tokens proved, each until its token expires, and
 * its links to the {@link ServiceNode}s a policy of it has the right for (closed together when that token expires).
 */
final class ServiceLinks {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceLinks.class);

    private final Clock clock;
    private final List<ServiceNode> nodes;
    private final TokenGrants tokens;
    private final ConnectionScope scope;
    /** By policy name. */
    private final Map<String, ServiceGrant> grants = new HashMap<>();

    ServiceLinks(Clock clock, List<ServiceNode> nodes, TokenGrants tokens, ConnectionScope scope) {
        this.clock = clock;
        this.nodes = List.copyOf(nodes);
        this.tokens = tokens;
        this.scope = scope;
    }

    boolean isEmpty() {
        return grants.isEmpty();
    }

    /** The node that serves {@code address}, or null when none does (it may be a device's). */
    ServiceNode nodeFor(String address) {
        if (address == null) {
            return null;
        }
        for (ServiceNode node : nodes) {
            if (node.serves(address)) {
                return node;
            }
        }
        return null;
    }

    /** A link on which the back-end sends to {@code node}, attached if a policy of this connection may. */
    void attach(ProtonReceiver receiver, String address, ServiceNode node) {
        ServiceLink link = attachToService(receiver, address, node);
        if (link != null) {
            node.attach(receiver, link);
        }
    }

    /** A link on which the back-end receives from {@code node}, attached if a policy of this connection may. */
    void attach(ProtonSender sender, String address, ServiceNode node) {
        ServiceLink link = attachToService(sender, address, node);
        if (link != null) {
            node.attach(sender, link);
        }
    }

    /** Records the policy's grant (a renewal when this connection already holds it); the answer to send. */
    CbsAnswer grant(ClaimsBasedSecurity.Claim.Service granted) {
        String policyName = granted.policy().name();
        ServiceGrant grant = grants.get(policyName);
        if (grant == null) {
            grant = new ServiceGrant(granted.policy(), granted.expiresAtEpochSecond());
            grants.put(policyName, grant);
            scope.granted();
            LOG.info("A back-end connected over AMQP from {} with policy {}", scope.who(), policyName);
        } else {
            grant.expiresAtEpochSecond = granted.expiresAtEpochSecond();
            LOG.debug("Policy {} renewed its SAS token on AMQP", policyName);
        }
        scheduleExpiry(policyName, grant);
        return CbsAnswer.OK;
    }

    private void scheduleExpiry(String policyName, ServiceGrant grant) {
        tokens.scheduleExpiry(grant, () -> grants.get(policyName) == grant, () -> {
            LOG.info("The SAS token of policy {} on AMQP from {} expired; closing its links", policyName,
                    scope.who());
            grants.remove(policyName);
            for (ProtonLink<?> link : grant.takeLinks()) {
                link.setCondition(new ErrorCondition(AmqpError.UNAUTHORIZED_ACCESS, TokenGrants.TOKEN_EXPIRED));
                link.close();
            }
            scope.grantEnded();
        });
    }

    /** The connection ended: every grant is forgotten, and what waits on its links runs. */
    void endAll() {
        for (ServiceGrant grant : grants.values()) {
            tokens.cancelExpiry(grant);
            grant.takeLinks();
        }
        grants.clear();
    }

    /**
     * The link under a policy of this connection that has the node's right, or null after refusing it: a back-end
     * attaches only with a service token for a policy that may use the node.
     */
    private ServiceLink attachToService(ProtonLink<?> link, String address, ServiceNode node) {
        if (node.checksEachRequest()) {
            PeerClosedLinks.follow(link, null);
            return serviceLink(link, address, null);
        }
        long now = clock.instant().getEpochSecond();
        ServiceGrant grant = grants.values().stream()
                .filter(candidate -> candidate.validAt(now) && candidate.policy.rights().contains(node.requiredRight()))
                .findFirst()
                .orElse(null);
        if (grant == null) {
            scope.refuse(link, address, AmqpError.UNAUTHORIZED_ACCESS, grants.isEmpty()
                    ? "No valid service SAS token was put on $cbs for this connection."
                    : "No policy of this connection's tokens has the " + node.requiredRight() + " permission.");
            return null;
        }
        PeerClosedLinks.follow(link, grant::remove);
        grant.add(link);
        return serviceLink(link, address, grant);
    }

    /** What the node sees of the link: under {@code grant}, or under none where the node checks each request. */
    private ServiceLink serviceLink(ProtonLink<?> link, String address, ServiceGrant grant) {
        return new ServiceLink() {
            @Override
            public String address() {
                return address;
            }

            @Override
            public String who() {
                return scope.who();
            }

            @Override
            public String policyName() {
                return grant == null ? null : grant.policy.name();
            }

            @Override
            public boolean authorized() {
                return grant != null && grants.get(grant.policy.name()) == grant
                        && grant.validAt(clock.instant().getEpochSecond());
            }

            @Override
            public void onGone(Runnable callback) {
                grant.onGone(link, callback);
            }

            @Override
            public void refuse(Symbol condition, String description) {
                if (grant != null) {
                    grant.remove(link);
                }
                scope.refuse(link, address, condition, description);
            }
        };
    }
}
