package io.github.iothubquickstart.localhub.data;

import java.nio.file.Path;

/** A client looked for the local hub's data and found none: the hub has not run with this data directory. */
public class NoHubDataException extends IllegalStateException {

    private final Path dataDirectory;

    public NoHubDataException(Path dataDirectory) {
        this(dataDirectory, null);
    }

    public NoHubDataException(Path dataDirectory, String missingPart) {
        super("no local hub data at " + dataDirectory + (missingPart == null ? "" : " (" + missingPart + " is missing)")
                + ": start the local hub first (" + HubCommand.nameOr("java -jar local-hub/target/local-hub.jar")
                + ") or pass a connection string");
        this.dataDirectory = dataDirectory;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }
}
