package io.github.iothubquickstart.localhub.amqp;

import java.util.Locale;

/**
 * A partition receiver's address on the Event Hubs-compatible endpoint, as the Event Hubs SDKs write it:
 * {@code <event hub>/ConsumerGroups/<group>/Partitions/<partition id>} (the fixed words in any case, as Event Hubs
 * takes them).
 */
record EventHubsAddress(String entity, String consumerGroup, String partitionId) {
    private static final int MAX_LENGTH = 512;

    /** The address's parts, or null when it is not a partition address. */
    static EventHubsAddress parse(String address) {
        if (address == null || address.length() > MAX_LENGTH) {
            return null;
        }
        String[] parts = address.split("/", -1);
        if (parts.length != 5 || !"consumergroups".equals(parts[1].toLowerCase(Locale.ROOT))
                || !"partitions".equals(parts[3].toLowerCase(Locale.ROOT))
                || parts[0].isEmpty() || parts[2].isEmpty() || parts[4].isEmpty()) {
            return null;
        }
        return new EventHubsAddress(parts[0], parts[2], parts[4]);
    }
}
