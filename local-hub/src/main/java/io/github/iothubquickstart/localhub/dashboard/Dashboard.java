package io.github.iothubquickstart.localhub.dashboard;

import io.vertx.ext.web.Router;

/**
 * The web dashboard on the hub's HTTPS listener: its files at {@code /} and {@code /dashboard/...}, and the
 * same-origin guard in front of every route. Its data comes from the REST API and the monitor stream, with the
 * {@link DashboardToken} as a bearer token: the dashboard has no back-end of its own.
 */
public final class Dashboard {
    private final DashboardAssets assets;
    private final SameOriginGuard guard;

    public Dashboard(DashboardAssets assets, SameOriginGuard guard) {
        this.assets = assets;
        this.guard = guard;
    }

    /** Call first on a new router: the guard must run before the API's routes. */
    public void mountOn(Router router) {
        router.route().handler(guard);
        router.get("/").handler(assets);
        router.get(DashboardAssets.PREFIX + "*").handler(assets);
    }
}
