package io.github.iothubquickstart.common;

/** The app cannot be configured as asked; the message is one line that says what to fix. */
public class ConfigurationException extends Exception {

    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }
}
