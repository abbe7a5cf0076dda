package dev.likeness.objectstore;

/** An object-store operation failed for a reason retrying will not fix. */
public class ObjectStoreException extends RuntimeException {

    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
