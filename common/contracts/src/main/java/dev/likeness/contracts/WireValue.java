package dev.likeness.contracts;

/**
 * An enum constant with a fixed spelling on the wire. The codec lists these spellings when a
 * message carries a value that is not allowed.
 */
public interface WireValue {

    /** The exact string written to and read from JSON. */
    String wire();
}
