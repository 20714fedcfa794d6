package io.github.iothubquickstart.localhub.cli;

import io.github.iothubquickstart.localhub.data.DataDirectory;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data-dir} option every command shares. */
final class DataDirectoryOption {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory (CA, keys, registry). Default: $LOCAL_IOTHUB_DATA_DIR or ~/.local-iothub.")
    String dataDirectory;

    Path resolve() {
        return DataDirectory.resolve(dataDirectory, System::getenv);
    }
}
