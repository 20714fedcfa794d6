package io.github.iothubquickstart.localhub.registry;

/** The registry database cannot be opened, read or written; the message says what to do. */
public class RegistryStorageException extends RuntimeException {

    public RegistryStorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public RegistryStorageException(String message) {
        super(message);
    }
}
