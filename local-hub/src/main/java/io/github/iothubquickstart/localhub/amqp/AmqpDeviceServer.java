package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.eventloop.DescriptorBudget;
import io.github.iothubquickstart.localhub.eventloop.EventLoopListeners;
import io.github.iothubquickstart.localhub.tls.SslEngines;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonServer;
import io.vertx.proton.ProtonServerOptions;
import java.nio.file.Path;

/**
 * The devices' AMQP 1.0 endpoint over TLS (IoT Hub's AMQPS, port 5671): same certificate and TLS engine as the MQTT
 * and HTTPS endpoints, SASL ANONYMOUS as the Azure SDKs open it (the token follows on $cbs), PLAIN, or no SASL layer at
 * all as the Node SDKs open it ({@link HubSaslAuthenticator}), one server per event loop sharing the port.
 */
public final class AmqpDeviceServer {
    /** Frames larger than this are refused before they are read: a message spans several frames instead. */
    static final int MAX_FRAME_BYTES = 64 * 1024;
    private final Vertx vertx;
    private final String bindAddress;
    private final int port;
    private final ProtonServerOptions options;
    private final AmqpConnectionHandler handler;
    private final EventLoopListeners listeners;
    /** Counts every connection in the process's descriptor budget, and refuses those past it. */
    private final AdmittedConnections admitted;

    public AmqpDeviceServer(Vertx vertx, int eventLoops, String bindAddress, int port, Path certificate,
                            Path privateKey, AmqpConnectionHandler handler) {
        // Devices with an X.509 identity log in with their TLS client certificate.
        this(vertx, eventLoops, bindAddress, port, handler, SslEngines.requestClientCertificates(new ProtonServerOptions())
                .setSsl(true)
                .setKeyCertOptions(SslEngines.serverKeyCert(vertx, certificate, privateKey))
                .setSslEngineOptions(SslEngines.fastest()));
    }

    private AmqpDeviceServer(Vertx vertx, int eventLoops, String bindAddress, int port, AmqpConnectionHandler handler,
                             ProtonServerOptions options) {
        this.vertx = vertx;
        this.admitted = new AdmittedConnections(DescriptorBudget.ofThisProcess());
        this.bindAddress = bindAddress;
        this.port = port;
        this.handler = handler;
        this.listeners = new EventLoopListeners(vertx, eventLoops);
        this.options = options
                .setHost(bindAddress)
                .setTcpNoDelay(true)
                .setReuseAddress(true);
        options.setMaxFrameSize(MAX_FRAME_BYTES);
    }

    /**
     * AMQP without TLS, for the Event Hubs SDKs' emulator mode ({@code UseDevelopmentEmulator=true}), which speaks
     * nothing else. The wiring binds it to a loopback address only, where no other machine can reach it.
     */
    public static AmqpDeviceServer plain(Vertx vertx, int eventLoops, String loopbackAddress, int port,
                                         AmqpConnectionHandler handler) {
        return new AmqpDeviceServer(vertx, eventLoops, loopbackAddress, port, handler, new ProtonServerOptions());
    }

    public Future<Integer> listen() {
        return listeners.listen(port, actualPort -> {
            Promise<Integer> listening = Promise.promise();
            ProtonServer.create(vertx, new ProtonServerOptions(options))
                    .saslAuthenticatorFactory(admitted.counting(handler.saslAuthenticators()))
                    .connectHandler(admitted.admitted(handler::handle, handler.containerId()))
                    .listen(actualPort, bindAddress, result -> {
                        if (result.succeeded()) {
                            listening.complete(result.result().actualPort());
                        } else {
                            listening.fail(result.cause());
                        }
                    });
            return listening.future();
        });
    }

    public Future<Void> close() {
        return listeners.close();
    }
}
