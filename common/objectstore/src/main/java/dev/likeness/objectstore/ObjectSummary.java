package dev.likeness.objectstore;

import java.time.Instant;

/**
 * One entry of a listing.
 *
 * @param key          the object
 * @param size         bytes
 * @param etag         entity tag (without quotes)
 * @param lastModified last write
 */
public record ObjectSummary(ObjectKey key, long size, String etag, Instant lastModified) {
}
