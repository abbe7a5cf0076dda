package dev.likeness.objectstore;

/** An object key or URI that could escape its prefix or that S3 would not store as written. */
public final class InvalidKeyException extends IllegalArgumentException {

    public InvalidKeyException(String message) {
        super(message);
    }
}
