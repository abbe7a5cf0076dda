package dev.likeness.contracts.events;

/**
 * Stable reasons a job or render fails; clients may switch on these. The wire form is the
 * constant's name.
 */
public enum ErrorCode {
    /** Not JSON, wrong types, unknown or missing fields. */
    MALFORMED_MESSAGE,
    /** The {@code method} is not one of the supported methods. */
    UNKNOWN_METHOD,
    /** An instance image (or another referenced object) does not exist. */
    MISSING_IMAGE,
    /** An image could not be decoded. */
    CORRUPT_IMAGE,
    /** An image exceeds the size limits. */
    IMAGE_TOO_LARGE,
    /** A value is out of range or inconsistent with another. */
    INVALID_PARAMETER,
    /** The training loss became NaN or infinite. */
    NAN_LOSS,
    /** The object store could not be reached after retries. */
    STORE_UNAVAILABLE,
    /** The base model or an artifact is missing files or has unexpected weights. */
    MODEL_INVALID,
    /** A control message cancelled the job. */
    CANCELLED,
    /** Anything else: a bug. */
    INTERNAL
}
