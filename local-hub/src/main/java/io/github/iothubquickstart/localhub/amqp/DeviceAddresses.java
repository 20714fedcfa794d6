package io.github.iothubquickstart.localhub.amqp;

import io.github.iothubquickstart.localhub.registry.IdentityId;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.AmqpError;

/**
 * The AMQP nodes IoT Hub offers a device ({@code /devices/{id}/messages/events}, ...) or a module of one
 * ({@code /devices/{id}/modules/{mid}/messages/events}, ...) and who may attach a link to them: only an identity a
 * token on this connection granted (a device's token never grants its modules, nor a module's its device), only in
 * the node's direction. Every refusal carries IoT Hub's error condition.
 */
final class DeviceAddresses {
    static final String CBS = "$cbs";
    private static final String DEVICES = "/devices/";
    private static final String MODULES = "/modules/";
    static final int MAX_ADDRESS_LENGTH = 1024;

    /** What a device's or module's address leads to. */
    enum Node {
        TELEMETRY("/messages/events", EnumSet.of(Direction.FROM_DEVICE)),
        /** A device's or a module's own cloud-to-device queue. */
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

    record DeviceAddress(IdentityId identity, Node node) {
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

    /** Parses {@code /devices/{id}/<node>} or {@code /devices/{id}/modules/{mid}/<node>}; empty for anything else. */
    static Optional<DeviceAddress> parse(String address) {
        Optional<Owner> owner = ownerOf(address);
        if (owner.isEmpty()) {
            return Optional.empty();
        }
        String rest = address.substring(owner.get().prefixLength());
        for (Node node : Node.values()) {
            if (rest.equals(node.suffix)) {
                return Optional.of(new DeviceAddress(owner.get().identity(), node));
            }
        }
        return Optional.empty();
    }

    /**
     * May a link in {@code direction} attach to {@code address}, on a connection whose tokens grant {@code granted}?
     * Another identity's address is refused as unauthorized whatever follows its id, so a client learns nothing of it.
     */
    static Decision decide(String address, Direction direction, Set<IdentityId> granted) {
        if (address == null || address.isEmpty() || address.length() > MAX_ADDRESS_LENGTH) {
            return Decision.refused(AmqpError.NOT_FOUND, "The link has no valid address.");
        }
        Optional<Owner> owner = ownerOf(address);
        if (owner.isPresent() && !granted.contains(owner.get().identity())) {
            IdentityId identity = owner.get().identity();
            return Decision.refused(AmqpError.UNAUTHORIZED_ACCESS, granted.isEmpty()
                    ? "No valid SAS token was put on $cbs for this connection, and no client certificate of it"
                    + " authenticates " + (identity.isModule() ? "module " : "device ") + printable(identity.toString())
                    + "."
                    : "This connection's tokens do not grant " + (identity.isModule() ? "module " : "device ")
                    + printable(identity.toString()) + ".");
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

    /** Whose address it is, and how long the part naming them is. */
    private record Owner(IdentityId identity, int prefixLength) {
    }

    /**
     * The identity an address belongs to: {@code /devices/{id}/modules/{mid}/...} a module, else
     * {@code /devices/{id}/...} the device; ids non-empty, without a slash, and followed by more.
     */
    private static Optional<Owner> ownerOf(String address) {
        Optional<String> deviceId = segmentAfter(address, 0, DEVICES);
        if (deviceId.isEmpty()) {
            return Optional.empty();
        }
        int deviceEnd = DEVICES.length() + deviceId.get().length();
        Optional<String> moduleId = segmentAfter(address, deviceEnd, MODULES);
        if (moduleId.isPresent()) {
            return Optional.of(new Owner(IdentityId.module(deviceId.get(), moduleId.get()),
                    deviceEnd + MODULES.length() + moduleId.get().length()));
        }
        return Optional.of(new Owner(IdentityId.device(deviceId.get()), deviceEnd));
    }

    /** The non-empty segment after {@code marker} at {@code from}, when a {@code /} follows it. */
    private static Optional<String> segmentAfter(String address, int from, String marker) {
        if (address == null || !address.startsWith(marker, from)) {
            return Optional.empty();
        }
        int start = from + marker.length();
        int end = address.indexOf('/', start);
        if (end <= start) {
            return Optional.empty();
        }
        return Optional.of(address.substring(start, end));
    }

    static String printable(String text) {
        if (text == null) {
            return "(none)";
        }
        String shortened = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return shortened.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
