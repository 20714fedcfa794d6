package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.vertx.proton.ProtonLink;
import java.util.ArrayList;
import java.util.List;

/**
 * A shared access policy a back-end's token on this connection proved, until the token expires, and the links
 * attached under it (closed together when it expires). Confined to the connection's event loop.
 */
final class ServiceGrant {
    final SharedAccessPolicy policy;
    long expiresAtEpochSecond;
    long expiryTimer = -1;
    private final List<ProtonLink<?>> links = new ArrayList<>();

    ServiceGrant(SharedAccessPolicy policy, long expiresAtEpochSecond) {
        this.policy = policy;
        this.expiresAtEpochSecond = expiresAtEpochSecond;
    }

    boolean validAt(long epochSecond) {
        return epochSecond < expiresAtEpochSecond;
    }

    void add(ProtonLink<?> link) {
        links.add(link);
    }

    void remove(ProtonLink<?> link) {
        links.remove(link);
    }

    /** Takes the links away from this grant, e.g. to close them. */
    List<ProtonLink<?>> takeLinks() {
        List<ProtonLink<?>> taken = new ArrayList<>(links);
        links.clear();
        return taken;
    }
}
