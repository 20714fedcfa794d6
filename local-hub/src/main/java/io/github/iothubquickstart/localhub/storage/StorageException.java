package io.github.iothubquickstart.localhub.storage;

/** A database of the hub cannot be opened, read or written; the message names the file and says what to do. */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
