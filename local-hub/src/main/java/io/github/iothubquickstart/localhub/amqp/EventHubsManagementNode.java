package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.auth.InvalidSasTokenException;
import io.github.iothubquickstart.localhub.auth.SasToken;
import io.github.iothubquickstart.localhub.registry.AccessRight;
import io.github.iothubquickstart.localhub.telemetry.PartitionedTelemetry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonQoS;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event hub's {@code $management} node, as the Event Hubs SDKs read it: {@code operation=READ} of type
 * {@code com.microsoft:eventhub} (name, creation time, partition count and ids) or {@code com.microsoft:partition}
 * (first and last sequence number, last offset and enqueued time, whether empty). Each request carries its own
 * {@code security_token}, which must be this hub's and a policy's with ServiceConnect (401 otherwise); an unknown
 * event hub or partition gets 404. The answer goes to the link whose target is the request's reply-to.
 */
final class EventHubsManagementNode implements ServiceNode {
    static final String ADDRESS = "$management";
    static final String EVENT_HUB_TYPE = "com.microsoft:eventhub";
    static final String PARTITION_TYPE = "com.microsoft:partition";
    private static final Logger LOG = LoggerFactory.getLogger(EventHubsManagementNode.class);
    private static final long MAX_REQUEST_BYTES = 16 * 1024;
    /** The connection's reply links by their target address, kept with the connection. */
    private static final String REPLY_LINKS = EventHubsManagementNode.class.getName() + ".replies";

    private final Vertx vertx;
    private final EventHubsEndpoint endpoint;
    private final ClaimsBasedSecurity security;

    EventHubsManagementNode(Vertx vertx, EventHubsEndpoint endpoint, ClaimsBasedSecurity security) {
        this.vertx = vertx;
        this.endpoint = endpoint;
        this.security = security;
    }

    @Override
    public boolean serves(String address) {
        return ADDRESS.equals(address);
    }

    @Override
    public AccessRight requiredRight() {
        return AccessRight.SERVICE_CONNECT;
    }

    @Override
    public boolean checksEachRequest() {
        return true;
    }

    @Override
    public boolean coversAudience(String path) {
        return endpoint.coversAudience(path);
    }

    @Override
    public void attach(ProtonSender replies, ServiceLink link) {
        String replyTo = replies.getRemoteTarget() == null ? null : replies.getRemoteTarget().getAddress();
        replies.setSource(replies.getRemoteSource());
        replies.setTarget(replies.getRemoteTarget());
        replies.setQoS(ProtonQoS.AT_MOST_ONCE);
        replies.open();
        if (replyTo != null) {
            replyLinks(replies.getSession().getConnection()).put(replyTo, replies);
        }
    }

    @Override
    public void attach(ProtonReceiver requests, ServiceLink link) {
        requests.setTarget(requests.getRemoteTarget());
        requests.setMaxMessageSize(UnsignedLong.valueOf(MAX_REQUEST_BYTES));
        Context context = vertx.getOrCreateContext();
        requests.handler((delivery, request) -> answer(requests.getSession().getConnection(), context, link, request));
        requests.open();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ProtonSender> replyLinks(ProtonConnection connection) {
        Map<String, ProtonSender> links = connection.attachments().get(REPLY_LINKS, Map.class);
        if (links == null) {
            links = new HashMap<>();
            connection.attachments().set(REPLY_LINKS, Map.class, links);
        }
        return links;
    }

    private void answer(ProtonConnection connection, Context context, ServiceLink link, Message request) {
        Map<String, Object> properties = request.getApplicationProperties() == null
                ? Map.of() : request.getApplicationProperties().getValue();
        String refusal = unauthorized(properties.get("security_token"));
        if (refusal != null) {
            LOG.info("Refused an Event Hubs management request from {}: {}", link.who(), refusal);
            reply(connection, request, 401, "Unauthorized", null);
            return;
        }
        if (!"READ".equals(properties.get("operation"))) {
            reply(connection, request, 400, "The $management node takes operation READ only.", null);
            return;
        }
        Object name = properties.get("name");
        if (!(name instanceof String entity) || !endpoint.isNamed(entity)) {
            reply(connection, request, 404, "The messaging entity '" + DeviceAddresses.printable(String.valueOf(name))
                    + "' could not be found: this hub's event hub is '" + endpoint.name() + "'.", null);
            return;
        }
        Object type = properties.get("type");
        if (EVENT_HUB_TYPE.equals(type)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", endpoint.name());
            body.put("created_at", Date.from(endpoint.createdAt()));
            body.put("partition_count", endpoint.telemetry().partitions().count());
            body.put("partition_ids", endpoint.telemetry().partitions().ids().toArray(String[]::new));
            reply(connection, request, 200, "OK", body);
        } else if (PARTITION_TYPE.equals(type)) {
            Object id = properties.get("partition");
            int partition = endpoint.telemetry().partitions().parse(id instanceof String text ? text : null);
            if (partition < 0) {
                reply(connection, request, 404, "The partition '" + DeviceAddresses.printable(String.valueOf(id))
                        + "' does not exist: the partitions are " + endpoint.telemetry().partitions().ids() + ".", null);
                return;
            }
            vertx.executeBlocking(() -> endpoint.telemetry().properties(partition), false).onComplete(read ->
                    context.runOnContext(ignored -> {
                        if (read.failed()) {
                            LOG.warn("Could not read the properties of partition {}", partition, read.cause());
                            reply(connection, request, 500, "The hub could not read its stored telemetry.", null);
                        } else {
                            reply(connection, request, 200, "OK", partitionBody((String) id, read.result()));
                        }
                    }));
        } else {
            reply(connection, request, 400, "The $management node answers types " + EVENT_HUB_TYPE + " and "
                    + PARTITION_TYPE + " only.", null);
        }
    }

    private Map<String, Object> partitionBody(String id, PartitionedTelemetry.Properties partition) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", endpoint.name());
        body.put("partition", id);
        body.put("begin_sequence_number", partition.beginSequence());
        body.put("last_enqueued_sequence_number", partition.lastSequence());
        body.put("last_enqueued_offset", Long.toString(partition.lastSequence()));
        body.put("last_enqueued_time_utc", Date.from(partition.lastEnqueued()));
        body.put("is_partition_empty", partition.empty());
        return body;
    }

    /** Why the request's token does not let it read, or null when it does. */
    private String unauthorized(Object token) {
        if (!(token instanceof String text)) {
            return "no security_token";
        }
        String resource;
        try {
            resource = SasToken.parse(text).resource();
        } catch (InvalidSasTokenException e) {
            return "not a valid SAS token: " + e.getMessage();
        }
        ClaimsBasedSecurity.Decision decision = security.decide(new CbsPutToken(null, resource, text));
        if (!(decision.claim() instanceof ClaimsBasedSecurity.Claim.Service service)) {
            return decision.reason();
        }
        if (!service.policy().rights().contains(AccessRight.SERVICE_CONNECT)) {
            return "policy " + service.policy().name() + " lacks the ServiceConnect permission";
        }
        return null;
    }

    private static void reply(ProtonConnection connection, Message request, int status, String description,
                              Map<String, Object> body) {
        ProtonSender replies = replyLinks(connection).get(request.getReplyTo());
        if (replies == null || !replies.isOpen()) {
            LOG.info("No $management reply link {} is open; the answer {} was not sent",
                    DeviceAddresses.printable(request.getReplyTo()), status);
            return;
        }
        Message answer = Message.Factory.create();
        Properties properties = new Properties();
        properties.setCorrelationId(request.getMessageId());
        properties.setTo(request.getReplyTo());
        answer.setProperties(properties);
        answer.setApplicationProperties(new ApplicationProperties(Map.of(
                "status-code", status,
                "status-description", description)));
        if (body != null) {
            answer.setBody(new AmqpValue(body));
        }
        replies.send(answer);
    }
}
