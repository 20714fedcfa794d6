package io.github.iothubquickstart.localhub.wiring;

import io.github.iothubquickstart.localhub.HubSettings;
import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.LocalHubException;
import io.vertx.core.Future;
import java.net.BindException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Waiting for a listener to bind (saying in one line why a port could not be) or for a part of the hub to stop. */
public final class Listening {
    /** Under the hub's own name: what users read when a port cannot be bound. */
    private static final Logger LOG = LoggerFactory.getLogger(LocalHub.class);
    static final long TIMEOUT_SECONDS = 30;

    private Listening() {
    }

    /** The port {@code listening} bound, or a {@link LocalHubException} that says what to do. */
    static int await(Future<Integer> listening, String endpoint, HubSettings settings, int port) {
        try {
            return listening.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalHubException("Interrupted while starting the local hub.", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("in use")) {
                throw new LocalHubException(endpoint + " port " + settings.bindAddress() + ":" + port
                        + " is already in use: is another local hub running? Stop it, or pick another address or port.", cause);
            }
            throw new LocalHubException("Cannot listen for " + endpoint + " on " + settings.bindAddress() + ":" + port
                    + ": " + cause.getMessage(), cause);
        }
    }

    /** An optional listener: one whose port is taken or not allowed is reported in one line, and the hub goes on. */
    static int orSkip(Future<Integer> listening, String what, HubSettings settings, int port, String turnOff) {
        try {
            return await(listening, what, settings, port);
        } catch (LocalHubException e) {
            LOG.warn("No {} on {}:{}: {}", what, settings.bindAddress(), port,
                    whyNotBound(e.getCause()).replace("--websocket-port 0", turnOff));
            return 0;
        }
    }

    /** Waits for a part to stop; one that fails or takes too long is logged (at warn level: {@code warn}). */
    public static void awaitStop(Future<Void> stopping, String failure, boolean warn) {
        try {
            stopping.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            if (warn) {
                LOG.warn(failure, e);
            } else {
                LOG.debug(failure, e);
            }
        }
    }

    static void warn(String message, Object... arguments) {
        LOG.warn(message, arguments);
    }

    private static String whyNotBound(Throwable cause) {
        String message = String.valueOf(cause == null ? null : cause.getMessage());
        if (message.contains("Permission denied") || message.contains("Access denied")) {
            return "binding a port below 1024 needs root; allow it with 'sudo setcap cap_net_bind_service=+ep"
                    + " $(readlink -f $(which java))' or 'sudo sysctl net.ipv4.ip_unprivileged_port_start=443'"
                    + " (or turn this off with --websocket-port 0)";
        }
        if (message.contains("in use")) {
            return "the port is in use by another program; stop it (or turn this off with --websocket-port 0)";
        }
        return message;
    }
}
