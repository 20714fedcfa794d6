package io.github.iothubquickstart.localhub.data;

/**
 * How the user runs the hub's command line here, for the hints its messages give: the distribution's launcher
 * names itself in the system property {@value #PROPERTY}; otherwise {@code java -jar local-hub.jar}.
 */
public final class HubCommand {
    public static final String PROPERTY = "localhub.command";
    private static final String JAR = "java -jar local-hub.jar";

    private HubCommand() {
    }

    /** The command to type, e.g. {@code java -jar local-hub.jar} or {@code /opt/local-hub/bin/local-hub}. */
    public static String name() {
        return nameOr(JAR);
    }

    /** The launcher's name when it gave one, else {@code fallback}. */
    public static String nameOr(String fallback) {
        String launcher = System.getProperty(PROPERTY);
        return launcher == null || launcher.isBlank() ? fallback : launcher;
    }
}
