package io.github.iothubquickstart.localhub.e2e;

import com.microsoft.azure.sdk.iot.service.configurations.ConfigurationsClient;
import com.microsoft.azure.sdk.iot.service.twin.ConfigurationInfo;
import com.microsoft.azure.sdk.iot.service.twin.ConfigurationStatus;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import java.util.Map;

/** What the configuration tests read back through the service SDK: a twin's status for a configuration, a metric. */
final class ConfigurationReads {
    private ConfigurationReads() {
    }

    /** The twin's status for the configuration, or null when it does not name it. */
    static ConfigurationStatus statusOf(Twin twin, String configurationId) {
        Map<String, ConfigurationInfo> statuses = twin.getConfigurations();
        ConfigurationInfo info = statuses == null ? null : statuses.get(configurationId);
        return info == null ? null : info.getStatus();
    }

    /** A system metric of the configuration ({@code targetedCount}, {@code appliedCount}), -1 when absent. */
    static long systemMetric(ConfigurationsClient configurations, String id, String name) {
        try {
            Long value = configurations.get(id).getSystemMetrics().getResults().get(name);
            return value == null ? -1 : value;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
