package io.github.iothubquickstart.localhub.junit;

import io.github.iothubquickstart.localhub.HubLimits;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What a {@link LocalIotHubExtension} starts its hubs with.
 *
 * @param addressPicker        a free loopback address for the next hub
 * @param eventLoops           threads serving the hub's connections
 * @param limits               the hub's caps on connections and calls
 * @param serviceTokenValidity how long each SAS token of the service clients is valid; renewed at half of it
 */
record HubSettings(Supplier<String> addressPicker, int eventLoops, HubLimits limits, Duration serviceTokenValidity) {
}
