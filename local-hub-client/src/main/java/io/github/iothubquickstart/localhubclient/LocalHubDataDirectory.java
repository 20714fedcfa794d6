package io.github.iothubquickstart.localhubclient;

import java.nio.file.Path;
import java.util.function.Function;

/** Where a local hub keeps its data, the same answer for the hub and for the apps that look for it. */
public final class LocalHubDataDirectory {

    public static final String ENVIRONMENT_VARIABLE = "LOCAL_IOTHUB_DATA_DIR";
    public static final String DEFAULT_DIRECTORY_NAME = ".local-iothub";
    /** The hub's own certificate authority, the one certificate its clients trust. */
    public static final String CA_CERTIFICATE = "ca.pem";

    private LocalHubDataDirectory() {
    }

    /**
     * The command-line option if given, else {@value #ENVIRONMENT_VARIABLE}, else {@code ${user.home}/.local-iothub};
     * always absolute.
     *
     * @param env environment lookup, usually {@code System::getenv}
     */
    public static Path resolve(String optionValueOrNull, Function<String, String> env) {
        String chosen = firstNonBlank(optionValueOrNull, env.apply(ENVIRONMENT_VARIABLE));
        Path path = chosen != null ? Path.of(chosen) : Path.of(System.getProperty("user.home"), DEFAULT_DIRECTORY_NAME);
        return path.toAbsolutePath().normalize();
    }

    private static String firstNonBlank(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate.trim();
            }
        }
        return null;
    }
}
