package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.registry.SharedAccessPolicy;
import io.vertx.proton.ProtonLink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A shared access policy a back-end's token on this connection proved, until the token expires, and the links
 * attached under it (closed together when it expires), each with what to run once it is gone. Confined to the
 * connection's event loop.
 */
final class ServiceGrant extends TokenGrant {
    final SharedAccessPolicy policy;
    private final Map<ProtonLink<?>, List<Runnable>> links = new LinkedHashMap<>();

    ServiceGrant(SharedAccessPolicy policy, long expiresAtEpochSecond) {
        super(expiresAtEpochSecond);
        this.policy = policy;
    }

    boolean validAt(long epochSecond) {
        return !expiredAt(epochSecond);
    }

    void add(ProtonLink<?> link) {
        links.putIfAbsent(link, new ArrayList<>());
    }

    /** {@code callback} runs once the link is gone (removed or taken); at once if it is gone already. */
    void onGone(ProtonLink<?> link, Runnable callback) {
        List<Runnable> callbacks = links.get(link);
        if (callbacks == null) {
            callback.run();
        } else {
            callbacks.add(callback);
        }
    }

    void remove(ProtonLink<?> link) {
        List<Runnable> callbacks = links.remove(link);
        if (callbacks != null) {
            callbacks.forEach(Runnable::run);
        }
    }

    /** Takes the links away from this grant, e.g. to close them; what waits on them being gone runs. */
    List<ProtonLink<?>> takeLinks() {
        List<ProtonLink<?>> taken = new ArrayList<>(links.keySet());
        taken.forEach(this::remove);
        return taken;
    }
}
