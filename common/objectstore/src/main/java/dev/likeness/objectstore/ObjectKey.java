package dev.likeness.objectstore;

import java.nio.charset.StandardCharsets;

/**
 * A validated object key inside the bucket. A key ending in {@code /} is a folder (a prefix); any
 * other key names one object. Keys are relative ({@code jobs/j1/inputs/0.png}) and can never climb
 * out of their prefix: {@code ..} and {@code .} segments, empty segments, absolute paths,
 * backslashes, control characters and keys over 1024 UTF-8 bytes are rejected.
 *
 * @param value the key as stored in S3
 */
public record ObjectKey(String value) implements Comparable<ObjectKey> {

    /** S3's limit on key length. */
    public static final int MAX_BYTES = 1024;

    public ObjectKey {
        validate(value);
    }

    /** A key from its string form. */
    public static ObjectKey of(String value) {
        return new ObjectKey(value);
    }

    /** Whether this key is a folder (ends in {@code /}). */
    public boolean isFolder() {
        return value.endsWith("/");
    }

    /**
     * A key below this folder: {@code jobs/j1/} + {@code inputs/0.png}. The relative part is checked
     * with the same rules, so it cannot escape this folder.
     */
    public ObjectKey resolve(String relative) {
        if (!isFolder()) {
            throw new InvalidKeyException("cannot resolve '" + relative + "' against object key '" + value
                    + "': it is not a folder (no trailing '/')");
        }
        validate(relative);
        return new ObjectKey(value + relative);
    }

    /** A sub-folder of this folder: {@code jobs/} + {@code j1} gives {@code jobs/j1/}. */
    public ObjectKey folder(String name) {
        return resolve(name.endsWith("/") ? name : name + "/");
    }

    /** A key in the same folder as this one: {@code a/b.png} + {@code c.png} gives {@code a/c.png}. */
    public ObjectKey resolveSibling(String name) {
        String v = isFolder() ? value.substring(0, value.length() - 1) : value;
        int slash = v.lastIndexOf('/');
        segment(name, "sibling name");
        return new ObjectKey(slash < 0 ? name : v.substring(0, slash + 1) + name);
    }

    /** This key relative to {@code folder}, which must contain it. */
    public String relativeTo(ObjectKey folder) {
        if (!folder.isFolder() || !value.startsWith(folder.value)) {
            throw new InvalidKeyException("'" + value + "' is not inside folder '" + folder.value + "'");
        }
        return value.substring(folder.value.length());
    }

    /** The last segment: the file name of an object, or the folder's own name without the slash. */
    public String name() {
        String v = isFolder() ? value.substring(0, value.length() - 1) : value;
        return v.substring(v.lastIndexOf('/') + 1);
    }

    @Override
    public int compareTo(ObjectKey other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }

    /**
     * Checks one path segment (a job id, a file name): non-empty, no {@code /}, and not
     * {@code .} or {@code ..}.
     */
    public static String segment(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new InvalidKeyException(what + " must not be empty");
        }
        if (name.indexOf('/') >= 0) {
            throw new InvalidKeyException(what + " '" + printable(name) + "' must not contain '/'");
        }
        validate(name);
        return name;
    }

    static void validate(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidKeyException("object key must not be empty");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new InvalidKeyException("object key '" + printable(key.substring(0, 40)) + "...' is longer than "
                    + MAX_BYTES + " bytes");
        }
        if (key.startsWith("/")) {
            throw new InvalidKeyException("object key '" + printable(key) + "' must be relative, not start with '/'");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\\') {
                throw new InvalidKeyException("object key '" + printable(key) + "' must not contain a backslash");
            }
            if (Character.isISOControl(c)) {
                throw new InvalidKeyException("object key '" + printable(key)
                        + "' must not contain control characters (found U+" + String.format("%04X", (int) c) + ")");
            }
        }
        String body = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        for (String segment : body.split("/", -1)) {
            if (segment.isEmpty()) {
                throw new InvalidKeyException("object key '" + printable(key) + "' has an empty segment ('//')");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new InvalidKeyException("object key '" + printable(key) + "' has a '" + segment
                        + "' segment, which could escape its prefix");
            }
        }
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.length() > 120 ? sb.substring(0, 117) + "..." : sb.toString();
    }
}
