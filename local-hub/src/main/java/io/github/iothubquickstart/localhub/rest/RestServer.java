package io.github.iothubquickstart.localhub.rest;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import io.github.iothubquickstart.localhub.eventloop.EventLoopListeners;
import io.github.iothubquickstart.localhub.mqtt.MqttOverWebSockets;
import io.github.iothubquickstart.localhub.tls.SslEngines;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The service endpoint: IoT Hub's REST API over HTTPS, plus the local hub's telemetry monitor, plus, as on IoT Hub's
 * HTTPS port, devices' MQTT over WebSockets, plus other surfaces of the hub (the dashboard).
 */
public final class RestServer {
    /** A 128 KB method payload plus its envelope fits; larger bodies are refused before they are buffered. */
    static final long MAX_BODY_BYTES = 512 * 1024;
    static final int MAX_HEADER_BYTES = 16 * 1024;

    private final Vertx vertx;
    private final int port;
    private final Router router;
    private final HttpServerOptions options;
    private final EventLoopListeners listeners;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

    public RestServer(Vertx vertx, int eventLoops, String bindAddress, int port, Path certificate, Path privateKey,
                      MethodsRoute methods, MonitorRoute monitor, RegistryRoutes registry,
                      BulkRegistryRoute bulkRegistry, StatisticsRoutes statistics, TwinRoutes twins,
                      QueryRoute queries, MqttOverWebSockets mqttOverWebSockets, HttpErrorResponder errors,
                      Consumer<Router> otherSurfaces) {
        this.vertx = vertx;
        this.port = port;
        this.listeners = new EventLoopListeners(vertx, eventLoops);
        this.router = Router.router(vertx);
        // Mounted first: the dashboard's same-origin guard runs before the API's routes.
        otherSurfaces.accept(router);
        router.post("/twins/:deviceId/methods")
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(new ApiVersionCheck())
                .handler(methods);
        router.route("/devices*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(new ApiVersionCheck());
        router.post("/devices/query").handler(queries);
        router.put("/devices/:deviceId").handler(registry::put);
        router.get("/devices/:deviceId").handler(registry::get);
        router.delete("/devices/:deviceId").handler(registry::delete);
        router.get("/devices").handler(registry::list);
        router.post("/devices").handler(bulkRegistry);
        router.route("/statistics/*").handler(new ApiVersionCheck());
        router.get("/statistics/devices").handler(statistics::devices);
        router.get("/statistics/service").handler(statistics::service);
        router.routeWithRegex("/twins/[^/]+").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(new ApiVersionCheck());
        router.get("/twins/:deviceId").handler(twins::get);
        router.patch("/twins/:deviceId").handler(twins::patch);
        router.post("/twins/:deviceId").handler(twins::postWithMethodOverride);
        router.put("/twins/:deviceId").handler(twins::replace);
        router.get("/monitor/events").handler(monitor);
        router.get(MqttOverWebSockets.PATH).handler(mqttOverWebSockets);
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

    /** One HTTPS server per event loop, all on the same port. */
    public Future<Integer> listen() {
        return listen(port);
    }

    /** The same endpoint on one more port (443 for MQTT over WebSockets); completes with the port. */
    public Future<Integer> listen(int port) {
        return listeners.listen(port, actualPort -> {
            HttpServer server = vertx.createHttpServer(new HttpServerOptions(options).setPort(actualPort)).requestHandler(router);
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
                    + MAX_BODY_BYTES + " bytes).");
            case 404 -> IotHubErrors.notFound("No such resource.");
            case 400 -> IotHubErrors.formatError("Bad request.");
            default -> new IotHubError(status, status, "Request failed with HTTP status " + status + ".");
        };
    }
}
