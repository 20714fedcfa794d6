package io.github.iothubquickstart.common;

/** No connection string was given and no local hub answers: the user has to start one (or pass a string). */
public final class LocalHubNotRunningException extends ConfigurationException {

    private static final long serialVersionUID = 1L;

    public LocalHubNotRunningException(String message) {
        super(message);
    }
}
