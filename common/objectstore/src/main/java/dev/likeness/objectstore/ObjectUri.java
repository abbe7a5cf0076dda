package dev.likeness.objectstore;

import java.util.regex.Pattern;

/**
 * An object-store URI {@code s3://bucket/key}, as messages carry them.
 *
 * @param bucket S3 bucket name
 * @param key    validated key inside it
 */
public record ObjectUri(String bucket, ObjectKey key) {

    private static final String SCHEME = "s3://";
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public ObjectUri {
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw new InvalidKeyException("'" + bucket + "' is not a valid bucket name (3-63 of a-z 0-9 . -)");
        }
        if (key == null) {
            throw new InvalidKeyException("object URI needs a key");
        }
    }

    /** Parses {@code s3://bucket/key}; the key is validated like any {@link ObjectKey}. */
    public static ObjectUri parse(String uri) {
        if (uri == null || !uri.startsWith(SCHEME)) {
            throw new InvalidKeyException("'" + uri + "' is not an object-store URI; expected s3://bucket/key");
        }
        String rest = uri.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new InvalidKeyException("'" + uri + "' has no bucket or no key; expected s3://bucket/key");
        }
        return new ObjectUri(rest.substring(0, slash), ObjectKey.of(rest.substring(slash + 1)));
    }

    @Override
    public String toString() {
        return SCHEME + bucket + "/" + key.value();
    }
}
