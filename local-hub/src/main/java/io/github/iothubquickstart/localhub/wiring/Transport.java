package io.github.iothubquickstart.localhub.wiring;

import io.vertx.core.Future;

/**
 * One way into the hub, installed on the core services ({@link HubServices}) by a class of its own: it listens when
 * the hub starts and stops taking connections before the hub closes; {@code LocalHub} keeps the order of both.
 */
public interface Transport {
    /**
     * Listens, blocking until it does.
     *
     * @return the port it listens on, or 0 for an optional endpoint that is off or could not listen (logged in one
     * line with what to do)
     * @throws io.github.iothubquickstart.localhub.LocalHubException when a port the hub cannot do without is taken
     */
    int listen();

    /** Stops taking connections; completes once it has. */
    Future<Void> stop();
}
