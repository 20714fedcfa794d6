package io.github.iothubquickstart.localhub.dashboard;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses API calls that a browser makes for another site's page (403, before any route runs): the
 * {@code Sec-Fetch-Site} a browser sets must be same-origin (or none: typed by the user), and an {@code Origin}
 * must be the hub's own. SDKs send neither header and pass. The dashboard's own files are public and not guarded:
 * exactly their paths, read with GET or HEAD; anything else is the API, whatever it looks like before normalizing.
 */
public final class SameOriginGuard implements Handler<RoutingContext> {
    private final Set<String> hubHostNames;
    private final DashboardAssets assets;

    public SameOriginGuard(Set<String> hubHostNames, DashboardAssets assets) {
        this.assets = assets;
        this.hubHostNames = hubHostNames.stream().map(name -> name.toLowerCase(Locale.ROOT))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    @Override
    public void handle(RoutingContext context) {
        context.response().putHeader("X-Content-Type-Options", "nosniff");
        if (assets.isAssetRequest(context.request().method(), context.request().path())) {
            context.next();
            return;
        }
        String fetchSite = context.request().getHeader("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equalsIgnoreCase("same-origin") && !fetchSite.equalsIgnoreCase("none")) {
            throw refused("a " + fetchSite + " request");
        }
        String origin = context.request().getHeader("Origin");
        if (origin != null && !isHubOrigin(origin, context.request().getHeader("Host"))) {
            throw refused("a request from " + origin);
        }
        context.next();
    }

    /** The page's origin is the address the browser connected to, which must be one of the hub's own names. */
    private boolean isHubOrigin(String origin, String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        try {
            URI uri = new URI(origin);
            return "https".equalsIgnoreCase(uri.getScheme())
                    && uri.getHost() != null
                    && hubHostNames.contains(uri.getHost().toLowerCase(Locale.ROOT))
                    && hostHeader.equalsIgnoreCase(uri.getRawAuthority());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static IotHubError refused(String what) {
        return new IotHubError(403, 403, "Refused: " + what + " may not call the hub's API. Use the dashboard the "
                + "hub serves, or a service SDK.");
    }
}
