package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.telemetry.PartitionReaders;
import io.vertx.core.Context;
import io.vertx.proton.ProtonSender;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Event Hubs partition receiver's link as one of the partition's {@link PartitionReaders.Reader}s: its owner level
 * from the link property {@code com.microsoft:epoch} and its name from {@code com.microsoft:receiver-name}, as the
 * Event Hubs SDKs set them; displaced, it is closed with {@code amqp:link:stolen}, and refusals carry Event Hubs'
 * conditions and texts, which the SDKs turn into their "receiver disconnected" (an event processor: partition
 * ownership lost) and "quota exceeded" errors.
 */
final class PartitionReaderLink implements PartitionReaders.Reader {
    static final Symbol EPOCH = Symbol.valueOf("com.microsoft:epoch");
    static final Symbol RECEIVER_NAME = Symbol.valueOf("com.microsoft:receiver-name");
    static final Symbol LINK_STOLEN = Symbol.valueOf("amqp:link:stolen");
    private static final Logger LOG = LoggerFactory.getLogger(PartitionReaderLink.class);
    private static final int MAX_NAME_LENGTH = 64;

    private final ProtonSender sender;
    private final Context context;
    private final String name;
    private final Long ownerLevel;
    private final String who;

    private PartitionReaderLink(ProtonSender sender, Context context, String name, Long ownerLevel, String who) {
        this.sender = sender;
        this.context = context;
        this.name = name;
        this.ownerLevel = ownerLevel;
        this.who = who;
    }

    /** The reader a receiver link asks to be. */
    static PartitionReaderLink of(ProtonSender sender, Context context, String who) throws InvalidOwnerLevelException {
        Map<Symbol, Object> properties = sender.getRemoteProperties();
        Object epoch = properties == null ? null : properties.get(EPOCH);
        Object name = properties == null ? null : properties.get(RECEIVER_NAME);
        if (epoch != null && !(epoch instanceof Long)) {
            throw new InvalidOwnerLevelException("The link property " + EPOCH + " must be a long, not "
                    + DeviceAddresses.printable(String.valueOf(epoch)) + ".");
        }
        String shownName = name instanceof String text && !text.isEmpty()
                ? DeviceAddresses.printable(text.length() > MAX_NAME_LENGTH ? text.substring(0, MAX_NAME_LENGTH) : text)
                : null;
        return new PartitionReaderLink(sender, context, shownName, (Long) epoch, who);
    }

    static final class InvalidOwnerLevelException extends Exception {
        InvalidOwnerLevelException(String message) {
            super(message);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Long ownerLevel() {
        return ownerLevel;
    }

    @Override
    public void displaced(PartitionReaders.Reader by) {
        String description = "New receiver '" + shown(by.name()) + "' with higher epoch of '" + shown(by.ownerLevel())
                + "' is created hence current receiver '" + shown(name) + "' with epoch '" + shown(ownerLevel)
                + "' is getting disconnected. If you are recreating the receiver, make sure a higher epoch is used.";
        context.runOnContext(ignored -> {
            if (!sender.isOpen()) {
                return;
            }
            LOG.info("Disconnected the Event Hubs receiver {} of {}: {}", sender.getSource().getAddress(), who,
                    description);
            sender.setCondition(new ErrorCondition(LINK_STOLEN, description));
            sender.close();
        });
    }

    /** The condition and text Event Hubs refuses such a receiver with. */
    static ErrorCondition refusal(PartitionReaders.Refusal refusal, PartitionReaders.Reader refused) {
        return switch (refusal.reason()) {
            case HIGHER_OWNER_LEVEL_READS -> new ErrorCondition(LINK_STOLEN, "Receiver '" + shown(refusal.holder())
                    + "' with a higher epoch '" + refusal.ownerLevel() + "' already exists. Receiver '"
                    + shown(refused.name()) + "' with epoch " + refused.ownerLevel() + " cannot be created. Make sure"
                    + " you are creating receiver with increasing epoch value to ensure connectivity, or ensure all"
                    + " old epoch receivers are closed or disconnected.");
            case OWNER_LEVEL_READS -> new ErrorCondition(LINK_STOLEN, "At least one receiver for the endpoint is"
                    + " created with epoch of '" + refusal.ownerLevel() + "', and so non-epoch receiver is not"
                    + " allowed. Either reconnect with a higher epoch, or make sure all epoch receivers are closed or"
                    + " disconnected.");
            case TOO_MANY_READERS -> new ErrorCondition(AmqpError.RESOURCE_LIMIT_EXCEEDED, "Exceeded the maximum"
                    + " number of allowed receivers per partition in a consumer group which is "
                    + PartitionReaders.MAX_READERS + ". List of connected receivers - "
                    + refusal.readers().stream().map(PartitionReaderLink::shown).collect(Collectors.joining(", "))
                    + ".");
        };
    }

    /** Event Hubs shows a receiver without a name, or without an owner level, as 'nil'. */
    private static String shown(Object value) {
        return value == null ? "nil" : value.toString();
    }
}
