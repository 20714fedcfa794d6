package io.github.iothubquickstart.localhub.configurations;

import java.util.Map;

/**
 * A configuration as the service reads it: with its system metrics (how many devices it targets, on how many it is
 * applied) and its custom metrics' results (how many devices each query selects).
 */
public record ConfiguredView(Configuration configuration, long targetedCount, long appliedCount,
                             Map<String, Long> metricResults) {

    public ConfiguredView {
        metricResults = Map.copyOf(metricResults);
    }
}
