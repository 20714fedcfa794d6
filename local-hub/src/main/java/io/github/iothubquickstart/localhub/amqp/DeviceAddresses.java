package io.github.iothubquickstart.localhub.amqp;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.AmqpError;

/**
 * The AMQP nodes IoT Hub offers a device ({@code /devices/{id}/messages/events}, ...) and who may attach a link to
 * them: only a device a token on this connection granted, only in the node's direction, and not modules (not served
 * over AMQP yet). Every refusal carries IoT Hub's error condition.
 */
final class DeviceAddresses {
    static final String CBS = "$cbs";
    private static final String DEVICES = "/devices/";
    private static final String MODULES = "/modules/";
    private static final int MAX_ADDRESS_LENGTH = 1024;

    /** What a device's address leads to. */
    enum Node {
        TELEMETRY("/messages/events", EnumSet.of(Direction.FROM_DEVICE)),
        CLOUD_TO_DEVICE("/messages/devicebound", EnumSet.of(Direction.TO_DEVICE)),
        /** Requests go to the device on one link, its answers come back on another, both on this address. */
        METHODS("/methods/devicebound", EnumSet.allOf(Direction.class)),
        /** Requests come from the device on one link; answers and desired properties go to it on another. */
        TWIN("/twin", EnumSet.allOf(Direction.class));

        private final String suffix;
        /** The directions in which the hub serves this node. */
        private final Set<Direction> served;

        Node(String suffix, Set<Direction> served) {
            this.suffix = suffix;
            this.served = served;
        }
    }

    /** Which way messages go on a link, seen from the device. */
    enum Direction { FROM_DEVICE, TO_DEVICE }

    record DeviceAddress(String deviceId, Node node) {
    }

    /** Either the address the link may use, or why not. */
    record Decision(DeviceAddress address, Symbol condition, String description) {
        static Decision refused(Symbol condition, String description) {
            return new Decision(null, condition, description);
        }

        boolean allowed() {
            return address != null;
        }
    }

    private DeviceAddresses() {
    }

    /** Parses {@code /devices/{id}/<node>}; empty for anything else (modules included, for now). */
    static Optional<DeviceAddress> parse(String address) {
        Optional<String> deviceId = deviceIdOf(address);
        if (deviceId.isEmpty()) {
            return Optional.empty();
        }
        String rest = address.substring(DEVICES.length() + deviceId.get().length());
        for (Node node : Node.values()) {
            if (rest.equals(node.suffix)) {
                return Optional.of(new DeviceAddress(deviceId.get(), node));
            }
        }
        return Optional.empty();
    }

    /**
     * May a link in {@code direction} attach to {@code address}, on a connection whose tokens grant {@code granted}?
     * Another device's address is refused as unauthorized whatever follows the id, so a device learns nothing of it.
     */
    static Decision decide(String address, Direction direction, Set<String> granted) {
        if (address == null || address.isEmpty() || address.length() > MAX_ADDRESS_LENGTH) {
            return Decision.refused(AmqpError.NOT_FOUND, "The link has no valid address.");
        }
        Optional<String> deviceId = deviceIdOf(address);
        if (deviceId.isPresent() && !granted.contains(deviceId.get())) {
            return Decision.refused(AmqpError.UNAUTHORIZED_ACCESS, granted.isEmpty()
                    ? "No valid SAS token was put on $cbs for this connection."
                    : "This connection's tokens do not grant device " + printable(deviceId.get()) + ".");
        }
        if (deviceId.isPresent() && address.startsWith(DEVICES + deviceId.get() + MODULES)) {
            return Decision.refused(AmqpError.NOT_IMPLEMENTED,
                    "The local hub does not serve modules over AMQP yet; use MQTT for them.");
        }
        Optional<DeviceAddress> parsed = parse(address);
        if (parsed.isEmpty()) {
            return Decision.refused(AmqpError.NOT_FOUND, "The local hub has no AMQP node " + printable(address) + ".");
        }
        Node node = parsed.get().node();
        if (!node.served.contains(direction)) {
            return Decision.refused(AmqpError.NOT_ALLOWED, printable(address) + " only takes links "
                    + (direction == Direction.TO_DEVICE ? "on which the device sends." : "on which the device receives."));
        }
        return new Decision(parsed.get(), null, null);
    }

    /** The id in {@code /devices/{id}/...}: non-empty, without a slash, and followed by more. */
    private static Optional<String> deviceIdOf(String address) {
        if (address == null || !address.startsWith(DEVICES)) {
            return Optional.empty();
        }
        int end = address.indexOf('/', DEVICES.length());
        if (end <= DEVICES.length()) {
            return Optional.empty();
        }
        return Optional.of(address.substring(DEVICES.length(), end));
    }

    static String printable(String text) {
        if (text == null) {
            return "(none)";
        }
        String shortened = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return shortened.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
