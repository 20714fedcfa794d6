package io.github.iothubquickstart.localhub.eventloop;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

/**
 * One server per event loop sharing one port, as Vert.x verticles do. A server created outside a verticle serves
 * every connection on a single event loop, so one core did all the TLS and MQTT work while the others idled.
 */
public final class EventLoopListeners {
    /**
     * Half the cores, at least one. The local hub always shares its machine with the devices and back-ends that use
     * it, so it leaves them cores; and fewer loops each wake for more ready connections at once (measured in
     * docs/benchmarks.md, "How many event loops").
     */
    public static int defaultEventLoops() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }
    private static final int SHARED_RANDOM_PORT = -1;

    private final Vertx vertx;
    private final int instances;
    private final List<String> deployments = new CopyOnWriteArrayList<>();

    public EventLoopListeners(Vertx vertx, int instances) {
        if (instances < 1) {
            throw new IllegalArgumentException("At least one listener instance, not " + instances + ".");
        }
        this.vertx = vertx;
        this.instances = instances;
    }

    /**
     * Calls {@code listenOn(port)} once on each of {@code instances} event loops, all sharing {@code requestedPort};
     * completes with the port they listen on. Port 0 (any free port) is passed on as -1: Vert.x shares a random
     * port only when it is asked for that way.
     */
    public Future<Integer> listen(int requestedPort, IntFunction<Future<Integer>> listenOn) {
        int port = requestedPort == 0 ? SHARED_RANDOM_PORT : requestedPort;
        return deploy(1, port, listenOn).compose(actualPort -> instances == 1
                ? Future.succeededFuture(actualPort)
                : deploy(instances - 1, port, listenOn).map(actualPort));
    }

    /** Stops every listener. */
    public Future<Void> close() {
        return Future.all(deployments.stream().map(vertx::undeploy).toList()).mapEmpty();
    }

    private Future<Integer> deploy(int count, int port, IntFunction<Future<Integer>> listenOn) {
        int[] actualPort = new int[1];
        return vertx.deployVerticle(() -> new VerticleBase() {
                    @Override
                    public Future<?> start() {
                        return listenOn.apply(port).onSuccess(listening -> actualPort[0] = listening);
                    }
                }, new DeploymentOptions().setInstances(count))
                .onSuccess(deployments::add)
                .map(id -> actualPort[0]);
    }
}
