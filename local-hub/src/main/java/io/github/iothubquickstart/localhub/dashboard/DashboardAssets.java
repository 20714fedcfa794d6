package io.github.iothubquickstart.localhub.dashboard;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard's files, read from the classpath once: {@code /} is the page, {@code /dashboard/...} its scripts,
 * styles and the uPlot WebJar. Only the files named here are served (no directory to walk), each with headers that
 * keep the page from running anything but these files or being framed by another site.
 */
public final class DashboardAssets implements Handler<RoutingContext> {
    static final String PREFIX = "/dashboard/";
    /** No inline script or style, nothing from elsewhere, never framed; {@code connect-src 'self'} is the REST API. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";
    private static final List<String> OWN_FILES = List.of("index.html", "style.css", "app.js", "api.js",
            "event-stream.js", "devices.js", "telemetry.js", "chart.js", "methods.js", "twin.js", "ui.js",
            "certificates.js", "faults.js");
    private static final String UPLOT = "META-INF/resources/webjars/uplot/";

    private final Map<String, Asset> byPath = new LinkedHashMap<>();

    public DashboardAssets() {
        for (String name : OWN_FILES) {
            byPath.put(PREFIX + name, load("dashboard/" + name));
        }
        byPath.put("/", byPath.get(PREFIX + "index.html"));
        String uplot = UPLOT + uplotVersion() + "/";
        byPath.put(PREFIX + "vendor/uPlot.esm.js", load(uplot + "dist/uPlot.esm.js"));
        byPath.put(PREFIX + "vendor/uPlot.min.css", load(uplot + "dist/uPlot.min.css"));
        byPath.put(PREFIX + "vendor/uPlot.LICENSE.txt", load(uplot + "LICENSE"));
    }

    /**
     * Whether {@code request} reads one of the dashboard's (public) files rather than calling the API: a GET or HEAD
     * of exactly a file's path. Only exact paths: the router serves the normalized path, so a prefix test would let
     * {@code /dashboard/../devices/x} through as a file.
     */
    boolean isAssetRequest(HttpMethod method, String rawPath) {
        return (method == HttpMethod.GET || method == HttpMethod.HEAD) && byPath.containsKey(rawPath);
    }

    @Override
    public void handle(RoutingContext context) {
        Asset asset = byPath.get(context.request().path());
        if (asset == null) {
            context.next();
            return;
        }
        context.response()
                .putHeader("Content-Type", asset.contentType())
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cross-Origin-Opener-Policy", "same-origin")
                .putHeader("Cross-Origin-Resource-Policy", "same-origin")
                .putHeader("Cache-Control", "no-cache")
                .end(asset.body());
    }

    /** The WebJar's version from its own Maven metadata, so upgrading uPlot is a pom change only. */
    private static String uplotVersion() {
        Properties properties = new Properties();
        try (InputStream in = resource("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    private static Asset load(String resource) {
        try (InputStream in = resource(resource)) {
            return new Asset(Buffer.buffer(in.readAllBytes()), contentType(resource));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the dashboard file " + resource, e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = DashboardAssets.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("The dashboard file " + name + " is missing from the classpath: rebuild the hub.");
        }
        return in;
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        return "text/plain; charset=utf-8";
    }

    private record Asset(Buffer body, String contentType) {
    }
}
