package dev.likeness.objectstore;

/** The object (or bucket) does not exist. */
public final class ObjectNotFoundException extends ObjectStoreException {

    public ObjectNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
