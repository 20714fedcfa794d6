package io.github.iothubquickstart.localhub.importexport;

import io.github.iothubquickstart.localhub.errors.IotHubError;
import io.github.iothubquickstart.localhub.errors.IotHubErrors;
import java.util.List;

/**
 * The hub's configurations as the lines of {@code configurations.txt} (a job with {@code includeConfigurations}):
 * one configuration in IoT Hub's JSON per line. The transport layer that owns that JSON implements it over the
 * configurations feature, so this feature knows neither.
 */
public interface ConfigurationTransfer {

    /** A hub without configurations: a job that includes them fails with the reason. */
    ConfigurationTransfer NONE = new ConfigurationTransfer() {
        @Override
        public List<String> exportLines() {
            throw IotHubErrors.notImplemented("Configurations in import and export jobs (includeConfigurations)");
        }

        @Override
        public void importLine(String line) {
            throw IotHubErrors.notImplemented("Configurations in import and export jobs (includeConfigurations)");
        }

        @Override
        public String errorLine(String line, IotHubError error) {
            return error.getMessage();
        }
    };

    /** Every configuration of the hub, oldest first, one JSON line each as the service API shows it. */
    List<String> exportLines();

    /**
     * Creates the configuration the line describes, or replaces it if it exists and the line's {@code etag} is its
     * ETag (or the line has none): IoT Hub's {@code createOrUpdateIfMatchETag}.
     *
     * @throws IotHubError naming what is wrong with the line, or why it cannot be applied
     */
    void importLine(String line);

    /** The import error log's line for a configuration line that failed. */
    String errorLine(String line, IotHubError error);
}
