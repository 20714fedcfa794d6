package io.github.iothubquickstart.common;

import java.util.Objects;

/**
 * Finds the connection settings in order: the {@code --connection-string} option, then an environment
 * variable, then the local hub. Nobody edits source code to configure anything.
 *
 * @param <S> {@link DeviceConnectionSettings} or {@link ServiceConnectionSettings}
 */
public final class ConnectionSettingsResolver<S> {

    public static final String OPTION = "--connection-string";
    public static final String DEVICE_VARIABLE = "IOTHUB_DEVICE_CONNECTION_STRING";
    public static final String SERVICE_VARIABLE = "IOTHUB_CONNECTION_STRING";

    /** Turns connection string text into settings, or explains in one line what is wrong with it. */
    @FunctionalInterface
    public interface Parser<S> {
        S parse(String connectionString) throws ConfigurationException;
    }

    private final String environmentVariable;
    private final Environment environment;
    private final Parser<S> parser;
    private final LocalHubFallback<S> fallback;

    public ConnectionSettingsResolver(String environmentVariable, Environment environment, Parser<S> parser,
            LocalHubFallback<S> fallback) {
        this.environmentVariable = Objects.requireNonNull(environmentVariable);
        this.environment = Objects.requireNonNull(environment);
        this.parser = Objects.requireNonNull(parser);
        this.fallback = Objects.requireNonNull(fallback);
    }

    public static ConnectionSettingsResolver<DeviceConnectionSettings> forDevice(Environment environment,
            LocalHubFallback<DeviceConnectionSettings> fallback) {
        return new ConnectionSettingsResolver<>(DEVICE_VARIABLE, environment,
                DeviceConnectionSettings::fromConnectionString, fallback);
    }

    public static ConnectionSettingsResolver<ServiceConnectionSettings> forService(Environment environment,
            LocalHubFallback<ServiceConnectionSettings> fallback) {
        return new ConnectionSettingsResolver<>(SERVICE_VARIABLE, environment,
                ServiceConnectionSettings::fromConnectionString, fallback);
    }

    /**
     * @param optionValue the {@code --connection-string} value, or null when the option was not given
     * @throws ConfigurationException one line naming where the string came from and what is wrong
     */
    public S resolve(String optionValue) throws ConfigurationException {
        if (optionValue != null) {
            return parseFrom(OPTION, optionValue);
        }
        String fromEnvironment = environment.get(environmentVariable);
        // An exported but empty variable (common in CI templates) counts as unset.
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return parseFrom(environmentVariable, fromEnvironment);
        }
        return fallback.settings();
    }

    /** Whether {@link #resolve} would fall back to the local hub: no option, no (non-blank) environment variable. */
    public boolean fallsBackToLocalHub(String optionValue) {
        String fromEnvironment = environment.get(environmentVariable);
        return optionValue == null && (fromEnvironment == null || fromEnvironment.isBlank());
    }

    private S parseFrom(String source, String connectionString) throws ConfigurationException {
        try {
            return parser.parse(connectionString);
        } catch (ConfigurationException e) {
            throw new ConfigurationException("bad connection string from " + source + ": " + e.getMessage());
        }
    }
}
