package io.github.iothubquickstart.backend;

import io.github.iothubquickstart.common.Environment;
import io.github.iothubquickstart.localhubclient.LocalHubDataDirectory;
import io.github.iothubquickstart.localhubclient.LocalHubProbe;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The command that registers a device in the hub the back-end called: the local hub's own {@code device create} for
 * a hub on this machine (loopback, as the back-end decides where it trusts the local hub's CA), with the data
 * directory when it is not the default one; Azure CLI's for IoT Hub.
 */
final class DeviceCreationHint {
    /** As the README runs the hub: from the repository's root, after the build. */
    static final String LOCAL_HUB_COMMAND = "java -jar local-hub/target/local-hub.jar";
    /** Words a shell takes as they are; anything else is quoted. */
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9._/:@%+=,-]+");
    /** What a shell expands inside double quotes: such words get single quotes. */
    private static final Pattern EXPANDED_IN_DOUBLE_QUOTES = Pattern.compile("[$`\"\\\\!]");

    private final Path localHubDataDirectory;
    private final boolean defaultDataDirectory;

    DeviceCreationHint(Path localHubDataDirectory, Path defaultDataDirectory) {
        this.localHubDataDirectory = localHubDataDirectory;
        this.defaultDataDirectory = localHubDataDirectory.equals(defaultDataDirectory);
    }

    /** The data directory the local hub commands use in this environment ({@code LOCAL_IOTHUB_DATA_DIR} or the default). */
    static DeviceCreationHint forEnvironment(Environment environment) {
        return new DeviceCreationHint(LocalHubDataDirectory.resolve(null, environment::get),
                LocalHubDataDirectory.resolve(null, name -> null));
    }

    /** @param hubHost the host the back-end called, as {@code host} or {@code host:port} */
    String command(String hubHost, String deviceId) {
        if (LocalHubProbe.isLoopback(hostOnly(hubHost))) {
            return LOCAL_HUB_COMMAND + " device create " + shellWord(deviceId)
                    + (defaultDataDirectory ? "" : " --data-dir " + shellWord(localHubDataDirectory.toString()));
        }
        return "az iot hub device-identity create --device-id " + shellWord(deviceId);
    }

    private static String hostOnly(String hubHost) {
        int colon = hubHost.lastIndexOf(':');
        return colon < 0 || hubHost.endsWith("]") ? hubHost : hubHost.substring(0, colon);
    }

    /** Double quotes where they suffice, since the hint itself stands in single quotes. */
    private static String shellWord(String word) {
        if (PLAIN_WORD.matcher(word).matches()) {
            return word;
        }
        return EXPANDED_IN_DOUBLE_QUOTES.matcher(word).find() ? "'" + word.replace("'", "'\\''") + "'"
                : "\"" + word + "\"";
    }
}
