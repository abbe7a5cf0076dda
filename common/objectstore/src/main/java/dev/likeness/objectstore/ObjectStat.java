package dev.likeness.objectstore;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the store knows about one object.
 *
 * @param key          the object
 * @param size         bytes
 * @param etag         entity tag (without quotes)
 * @param lastModified last write
 * @param contentType  MIME type
 * @param userMetadata user metadata; lookups ignore case, since some servers change it
 */
public record ObjectStat(ObjectKey key, long size, String etag, Instant lastModified, String contentType,
        Map<String, String> userMetadata) {

    public ObjectStat {
        TreeMap<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        m.putAll(userMetadata);
        userMetadata = Collections.unmodifiableMap(m);
    }

    /** One user-metadata value by name, ignoring case, or {@code null}. */
    public String metadata(String name) {
        return userMetadata.get(name);
    }

    /** The SHA-256 recorded at upload (lower-case hex), or {@code null} when none was. */
    public String sha256() {
        return metadata(ObjectStore.SHA256_METADATA);
    }
}
