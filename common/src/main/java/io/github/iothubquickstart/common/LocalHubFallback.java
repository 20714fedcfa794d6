package io.github.iothubquickstart.common;

/**
 * The last step of connection resolution, used when neither the command line nor the environment gives a
 * connection string: connect to the local hub.
 *
 * @param <S> {@link DeviceConnectionSettings} or {@link ServiceConnectionSettings}
 */
@FunctionalInterface
public interface LocalHubFallback<S> {

    /** @throws ConfigurationException with a one-line message when no local hub can be used */
    S settings() throws ConfigurationException;
}
