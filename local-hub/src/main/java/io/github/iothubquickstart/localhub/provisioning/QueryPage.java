package io.github.iothubquickstart.localhub.provisioning;

import java.util.List;

/**
 * One page of a provisioning service query: the items, and the continuation token that fetches the next page
 * (null on the last page, which is how {@code ProvisioningServiceClient}'s {@code Query} knows to stop).
 */
public record QueryPage<T>(List<T> items, String continuationToken) {
    public QueryPage {
        items = List.copyOf(items);
    }
}
