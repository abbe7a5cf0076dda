package dev.likeness.objectstore;

/**
 * The object store could not be reached, or kept answering with server errors, for the whole retry
 * budget. Jobs report this as {@code STORE_UNAVAILABLE}.
 */
public final class ObjectStoreUnavailableException extends ObjectStoreException {

    public ObjectStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
