package io.github.iothubquickstart.localhub.e2e;

import io.github.iothubquickstart.localhub.LocalHub;
import io.github.iothubquickstart.localhub.auth.SasSigner;
import io.github.iothubquickstart.localhub.registry.DeviceIdentity;
import io.github.iothubquickstart.localhub.registry.ModuleIdentity;
import io.vertx.proton.ProtonSession;
import java.util.ArrayList;
import java.util.List;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonClientOptions;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import io.vertx.proton.ProtonTransportOptions;
import io.vertx.proton.impl.ProtonConnectionImpl;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;

/**
 * Raw AMQP 1.0 clients (vertx-proton) for what the SDKs never do: attach to another device's address or to a service
 * node with the wrong rights, put a token that expires in seconds, send what IoT Hub refuses. TLS with the hub's CA, verified, as the SDK does.
 */
final class RawAmqpDevices implements AutoCloseable {
    private static final long WAIT_SECONDS = 10;
    private final LocalHub hub;
    private final Vertx vertx = Vertx.vertx();

    RawAmqpDevices(LocalHub hub) {
        this.hub = hub;
    }

    DeviceIdentity device(String deviceId) {
        return hub.identity().registry().findDevice(deviceId)
                .orElseGet(() -> hub.identity().registry().createDevice(deviceId));
    }

    /** A device SAS token for {@code <hub>/devices/<id>}, valid for {@code seconds}. */
    String token(DeviceIdentity device, long seconds) {
        return SasSigner.sign(device.primaryKey(), hub.hostName() + "/devices/" + device.deviceId(),
                Instant.now().plusSeconds(seconds).getEpochSecond(), null);
    }

    /** A module SAS token for {@code <hub>/devices/<id>/modules/<mid>}, signed with the module's key. */
    String token(ModuleIdentity module, long seconds) {
        return SasSigner.sign(module.primaryKey(), audience(module.deviceId(), module.moduleId()),
                Instant.now().plusSeconds(seconds).getEpochSecond(), null);
    }

    /** A service SAS token of the named policy for the hub itself (the audience a back-end puts), valid for {@code seconds}. */
    String serviceToken(String policyName, long seconds) {
        return SasSigner.sign(hub.identity().registry().findPolicy(policyName).orElseThrow().primaryKey(), hub.hostName(),
                Instant.now().plusSeconds(seconds).getEpochSecond(), policyName);
    }

    /** A telemetry message with {@code body} as its data, nothing else. */
    static Message telemetry(String body) {
        Message message = Message.Factory.create();
        message.setBody(new org.apache.qpid.proton.amqp.messaging.Data(
                new org.apache.qpid.proton.amqp.Binary(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        return message;
    }

    String audience(String deviceId) {
        return hub.hostName() + "/devices/" + deviceId;
    }

    String audience(String deviceId, String moduleId) {
        return audience(deviceId) + "/modules/" + moduleId;
    }

    Client connect() throws Exception {
        return connect(new ProtonClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(hub.caCertificateFile().toString()))
                .setHostnameVerificationAlgorithm("HTTPS")
                .addEnabledSaslMechanism("ANONYMOUS"), hub.amqpPort());
    }

    /** A client on the plain (no TLS) listener of the Event Hubs emulator mode. */
    Client connectPlain() throws Exception {
        return connect(new ProtonClientOptions().addEnabledSaslMechanism("ANONYMOUS"), hub.eventHubsPort());
    }

    /** A client on 5671 that logs in with SASL PLAIN, as Node's azure-iothub and older device SDKs do. */
    Client connectWithSaslPlain(String user, String password) throws Exception {
        return connect(tls().addEnabledSaslMechanism("PLAIN"), hub.amqpPort(), user, password);
    }

    /** The same on the plain (no TLS) listener of the Event Hubs emulator mode. */
    Client connectWithSaslPlainWithoutTls(String user, String password) throws Exception {
        return connect(new ProtonClientOptions().addEnabledSaslMechanism("PLAIN"), hub.eventHubsPort(), user, password);
    }

    /**
     * A client on 5671 that sends the plain AMQP header right after TLS, no SASL layer, as the Node SDKs (rhea) do: it
     * has no identity until it puts a token on $cbs. vertx-proton's client always starts SASL, so this binds a
     * connection to a TLS socket itself, with no SASL authenticator (its public {@code bindClient} takes none).
     */
    Client connectWithoutSasl() throws Exception {
        return connectWithoutSasl(tls(), hub.amqpPort());
    }

    /** The same on the plain (no TLS) listener of the Event Hubs emulator mode. */
    Client connectWithoutSaslOrTls() throws Exception {
        return connectWithoutSasl(new ProtonClientOptions(), hub.eventHubsPort());
    }

    private Client connectWithoutSasl(ProtonClientOptions options, int port) throws Exception {
        CompletableFuture<Client> connected = new CompletableFuture<>();
        vertx.runOnContext(ignored -> {
            NetClient netClient = vertx.createNetClient(options);
            netClient.connect(port, hub.bindAddress()).onComplete(socket -> {
                if (socket.failed()) {
                    connected.completeExceptionally(socket.cause());
                    return;
                }
                ProtonConnectionImpl connection = new ProtonConnectionImpl(vertx, hub.bindAddress(),
                        (ContextInternal) Vertx.currentContext());
                connection.bindClient(netClient, socket.result(), null, new ProtonTransportOptions());
                opened(connection, connected);
            });
        });
        return connected.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private ProtonClientOptions tls() {
        return new ProtonClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(hub.caCertificateFile().toString()))
                .setHostnameVerificationAlgorithm("HTTPS");
    }

    private Client connect(ProtonClientOptions options, int port) throws Exception {
        return connect(options, port, null, null);
    }

    private Client connect(ProtonClientOptions options, int port, String user, String password) throws Exception {
        CompletableFuture<Client> connected = new CompletableFuture<>();
        vertx.runOnContext(ignored -> ProtonClient.create(vertx).connect(options, hub.bindAddress(), port, user, password,
                result -> {
            if (result.failed()) {
                connected.completeExceptionally(result.cause());
                return;
            }
            opened(result.result(), connected);
        }));
        return connected.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Opens {@code connection} to the hub; {@code connected} gets the client once the hub answered the open. */
    private void opened(ProtonConnection connection, CompletableFuture<Client> connected) {
        Client client = new Client(connection, Vertx.currentContext());
        connection.closeHandler(closed -> client.closed.complete(connection.getRemoteCondition()));
        connection.disconnectHandler(gone -> {
            client.closed.complete(gone.getRemoteCondition());
            connected.completeExceptionally(new IllegalStateException("disconnected before the hub opened"));
        });
        connection.openHandler(opened -> {
            if (opened.succeeded()) {
                connected.complete(client);
            } else {
                connected.completeExceptionally(opened.cause());
            }
        });
        connection.setHostname(hub.hostName()).open();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** A link as the hub answered its attach: open, or closed with the hub's error condition. */
    static final class Link {
        final ProtonSender sender;
        final CompletableFuture<Void> opened = new CompletableFuture<>();
        final CompletableFuture<ErrorCondition> closed = new CompletableFuture<>();

        Link(ProtonSender sender) {
            this.sender = sender;
        }

        /** The condition the hub closed the link with, or null when it stays open for a while. */
        String closedWith(long millis) throws Exception {
            try {
                ErrorCondition condition = closed.get(millis, TimeUnit.MILLISECONDS);
                return condition == null || condition.getCondition() == null ? "(none)" : condition.getCondition().toString();
            } catch (java.util.concurrent.TimeoutException stillOpen) {
                return null;
            }
        }
    }

    /** What a receiving link took so far. */
    static final class Receiving {
        final java.util.concurrent.LinkedBlockingQueue<Message> messages = new java.util.concurrent.LinkedBlockingQueue<>();
        /** The transfers, in the order of {@link #messages}, for the test to settle when it chooses. */
        final java.util.concurrent.LinkedBlockingQueue<io.vertx.proton.ProtonDelivery> deliveries =
                new java.util.concurrent.LinkedBlockingQueue<>();
        private ProtonReceiver receiver;
    }

    final class Client implements AutoCloseable {
        private final ProtonConnection connection;
        private final Context context;
        private final Map<Object, CompletableFuture<Message>> cbsAnswers = new ConcurrentHashMap<>();
        final CompletableFuture<ErrorCondition> closed = new CompletableFuture<>();
        private ProtonSender cbs;

        private Client(ProtonConnection connection, Context context) {
            this.connection = connection;
            this.context = context;
        }

        /** Puts {@code token} for {@code audience} on $cbs as the device SDK does; the status the hub answers. */
        int putToken(String audience, String token) throws Exception {
            if (cbs == null) {
                openCbs();
            }
            Object messageId = UUID.randomUUID();
            CompletableFuture<Message> answer = new CompletableFuture<>();
            cbsAnswers.put(messageId, answer);
            Message request = Message.Factory.create();
            request.setMessageId(messageId);
            request.setAddress("$cbs");
            request.setReplyTo("cbs");
            request.setApplicationProperties(new ApplicationProperties(Map.of("operation", "put-token",
                    "type", "servicebus.windows.net:sastoken", "name", audience)));
            request.setBody(new AmqpValue(token));
            onContext(() -> {
                cbs.send(request);
                return null;
            });
            Message reply = answer.get(WAIT_SECONDS, TimeUnit.SECONDS);
            return (Integer) reply.getApplicationProperties().getValue().get("status-code");
        }

        private void openCbs() throws Exception {
            CompletableFuture<Void> both = new CompletableFuture<>();
            cbs = onContext(() -> {
                ProtonReceiver replies = connection.createReceiver("$cbs");
                replies.handler((delivery, message) -> {
                    CompletableFuture<Message> waiting = cbsAnswers.remove(message.getCorrelationId());
                    if (waiting != null) {
                        waiting.complete(message);
                    }
                });
                ProtonSender sender = connection.createSender("$cbs");
                replies.openHandler(opened -> sender.open());
                sender.openHandler(opened -> both.complete(null));
                replies.open();
                return sender;
            });
            both.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        /** Attaches a link on which this client sends to {@code address}, and waits for the hub's attach. */
        Link attachSender(String address) throws Exception {
            Link link = onContext(() -> {
                ProtonSender sender = connection.createSender(address);
                Link created = new Link(sender);
                sender.openHandler(opened -> created.opened.complete(null));
                sender.closeHandler(done -> created.closed.complete(sender.getRemoteCondition()));
                sender.detachHandler(done -> created.closed.complete(sender.getRemoteCondition()));
                sender.open();
                return created;
            });
            link.opened.get(WAIT_SECONDS, TimeUnit.SECONDS);
            return link;
        }

        /** Attaches a link on which this client receives from {@code address}. */
        CompletableFuture<ErrorCondition> attachReceiver(String address) throws Exception {
            CompletableFuture<ErrorCondition> closedWith = new CompletableFuture<>();
            onContext(() -> {
                ProtonReceiver receiver = connection.createReceiver(address);
                receiver.closeHandler(done -> closedWith.complete(receiver.getRemoteCondition()));
                receiver.detachHandler(done -> closedWith.complete(receiver.getRemoteCondition()));
                receiver.open();
                return null;
            });
            return closedWith;
        }

        /**
         * Attaches a link on which this client receives from {@code address}, and takes each message without settling
         * it; closing the link leaves them unsettled.
         */
        Receiving receive(String address) throws Exception {
            Receiving receiving = new Receiving();
            onContext(() -> {
                ProtonReceiver receiver = connection.createReceiver(address);
                receiver.setAutoAccept(false);
                receiver.handler((delivery, message) -> {
                    receiving.deliveries.add(delivery);
                    receiving.messages.add(message);
                });
                receiver.open();
                receiving.receiver = receiver;
                return null;
            });
            return receiving;
        }

        /** Settles a transfer this client received with {@code state} (accepted, rejected, released...). */
        void settle(io.vertx.proton.ProtonDelivery delivery, DeliveryState state) throws Exception {
            onContext(() -> {
                delivery.disposition(state, true);
                return null;
            });
        }

        /** Closes a link this client received on. */
        void close(Receiving receiving) throws Exception {
            onContext(() -> {
                receiving.receiver.close();
                return null;
            });
        }

        /**
         * Begins {@code count} sessions at once, or attaches {@code count} sending links to {@code $cbs} in one session
         * ({@code links}), and waits until the hub answered each; the conditions it closes any of them with arrive in
         * the queue (a refusal is an answer followed at once by an end or detach).
         */
        java.util.concurrent.BlockingQueue<String> openAtOnce(int count, boolean links) throws Exception {
            List<CompletableFuture<Void>> answered = new ArrayList<>();
            java.util.concurrent.BlockingQueue<String> refusals = new java.util.concurrent.LinkedBlockingQueue<>();
            onContext(() -> {
                ProtonSession shared = links ? connection.createSession().open() : null;
                for (int i = 0; i < count; i++) {
                    CompletableFuture<Void> answer = new CompletableFuture<>();
                    answered.add(answer);
                    if (links) {
                        ProtonSender sender = shared.createSender("$cbs");
                        sender.openHandler(opened -> answer.complete(null));
                        sender.closeHandler(closed -> refusals.add(String.valueOf(sender.getRemoteCondition().getCondition())));
                        sender.open();
                    } else {
                        ProtonSession session = connection.createSession();
                        session.openHandler(opened -> answer.complete(null));
                        session.closeHandler(closed -> refusals.add(String.valueOf(session.getRemoteCondition().getCondition())));
                        session.open();
                    }
                }
                return null;
            });
            CompletableFuture.allOf(answered.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            return refusals;
        }

        /** Sends {@code message} on {@code link} and waits for the hub's disposition. */
        DeliveryState send(Link link, Message message) throws Exception {
            CompletableFuture<DeliveryState> settled = new CompletableFuture<>();
            onContext(() -> link.sender.send(message, delivery -> settled.complete(delivery.getRemoteState())));
            return settled.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        private <T> T onContext(Supplier<T> action) throws Exception {
            CompletableFuture<T> done = new CompletableFuture<>();
            context.runOnContext(ignored -> {
                try {
                    done.complete(action.get());
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
            return done.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            onContext(() -> {
                connection.close();
                connection.disconnect();
                return null;
            });
        }
    }
}
