package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.eventloop.DescriptorBudget;
import io.github.iothubquickstart.localhub.eventloop.EventLoopListeners;
import io.github.iothubquickstart.localhub.tls.SslEngines;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The hub's HTTPS listener: one server per event loop on the HTTPS port (and on 443 for WebSockets where it may),
 * serving what the surfaces mount: IoT Hub's REST API ({@link ServiceApi}), the dashboard, devices' MQTT over
 * WebSockets. Errors are answered in IoT Hub's shape.
 */
public final class RestServer {
    static final int MAX_HEADER_BYTES = 16 * 1024;

    private final Vertx vertx;
    private final int port;
    private final Router router;
    private final HttpServerOptions options;
    private final EventLoopListeners listeners;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final AdmittedRequests admitted;

    /**
     * @param surfaces what the HTTPS listener serves, each mounting its routes in this order (the dashboard with its
     *                 same-origin guard first, then IoT Hub's REST API, then devices' MQTT over WebSockets); whatever
     *                 none of them serves is answered 501
     */
    public RestServer(Vertx vertx, int eventLoops, String bindAddress, int port, Path certificate, Path privateKey,
                      List<Consumer<Router>> surfaces, HttpErrorResponder errors) {
        this(vertx, eventLoops, bindAddress, port, certificate, privateKey, surfaces, errors,
                DescriptorBudget.ofThisProcess());
    }

    /** @param descriptors past it, requests on a new connection are answered 503 */
    public RestServer(Vertx vertx, int eventLoops, String bindAddress, int port, Path certificate, Path privateKey,
                      List<Consumer<Router>> surfaces, HttpErrorResponder errors, DescriptorBudget descriptors) {
        this.vertx = vertx;
        this.port = port;
        this.listeners = new EventLoopListeners(vertx, eventLoops);
        this.router = Router.router(vertx);
        this.admitted = new AdmittedRequests(descriptors);
        router.route().handler(admitted::route);
        surfaces.forEach(surface -> surface.accept(router));
        router.route().handler(context -> {
            throw IotHubErrors.notImplemented(context.request().method() + " " + context.request().path());
        });
        router.route().failureHandler(context -> {
            Throwable failure = context.failure();
            if (failure == null) {
                failure = statusError(context.statusCode());
            }
            errors.respond(context, failure);
        });
        this.options = new HttpServerOptions()
                .setHost(bindAddress)
                .setSsl(true)
                .setKeyCertOptions(SslEngines.serverKeyCert(vertx, certificate, privateKey))
                .setMaxHeaderSize(MAX_HEADER_BYTES)
                .setIdleTimeout(120)
                .setCompressionSupported(false);
        options.setSslEngineOptions(SslEngines.fastest());
        options.setTcpNoDelay(true);
        options.setReuseAddress(true);
    }

    /**
     * One HTTPS server per event loop, all on the same port.
     *
     * @param forDevices whether devices reach it too (it is also the WebSocket port): see {@link #listen(int)}
     */
    public Future<Integer> listen(boolean forDevices) {
        return listen(port, forDevices);
    }

    /**
     * The same endpoint on one more port (443, where the device SDKs open HTTPS, MQTT and AMQP over WebSockets);
     * completes with the port. Only a port for devices asks TLS clients for a certificate (X.509 devices log in with
     * it): on the main HTTPS port, where browsers open the dashboard, a browser with client certificates installed
     * would ask its user to pick one for nothing.
     */
    public Future<Integer> listen(int port) {
        return listen(port, true);
    }

    private Future<Integer> listen(int port, boolean forDevices) {
        HttpServerOptions portOptions = new HttpServerOptions(options);
        if (forDevices) {
            SslEngines.requestClientCertificates(portOptions);
        }
        return listeners.listen(port, actualPort -> {
            HttpServer server = vertx.createHttpServer(new HttpServerOptions(portOptions).setPort(actualPort))
                    .connectionHandler(admitted::accepted)
                    .requestHandler(router);
            servers.add(server);
            return server.listen().map(HttpServer::actualPort);
        });
    }

    /** Lets responses already being written finish (at most {@code grace}), then closes every connection. */
    public Future<Void> shutdown(Duration grace) {
        return Future.all(servers.stream().map(server -> server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS)).toList())
                .transform(ignored -> listeners.close());
    }

    private static IotHubError statusError(int status) {
        return switch (status) {
            case 413 -> new IotHubError(413, 413001, "The request body is larger than the hub accepts ("
                    + ServiceApi.MAX_BODY_BYTES + " bytes).");
            case 404 -> IotHubErrors.notFound("No such resource.");
            case 400 -> IotHubErrors.formatError("Bad request.");
            default -> new IotHubError(status, status, "Request failed with HTTP status " + status + ".");
        };
    }
}
