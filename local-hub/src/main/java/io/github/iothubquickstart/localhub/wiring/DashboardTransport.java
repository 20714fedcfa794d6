package io.github.iothubquickstart.localhub.wiring;

import io.github.iothubquickstart.localhub.dashboard.Dashboard;
import io.github.iothubquickstart.localhub.dashboard.DashboardAssets;
import io.github.iothubquickstart.localhub.dashboard.SameOriginGuard;
import io.vertx.ext.web.Router;

/**
 * The web dashboard on the HTTPS listener: mounted first, so that its same-origin guard runs before the API's routes.
 * Its sign-in token is the core's ({@link HubServices#dashboardToken()}), which the service authenticator accepts.
 */
public final class DashboardTransport {
    private final Dashboard dashboard;

    public DashboardTransport(HubServices hub) {
        DashboardAssets assets = new DashboardAssets();
        this.dashboard = new Dashboard(assets, new SameOriginGuard(hub.settings().acceptedHostNames(), assets));
    }

    public void mountOn(Router router) {
        dashboard.mountOn(router);
    }
}
