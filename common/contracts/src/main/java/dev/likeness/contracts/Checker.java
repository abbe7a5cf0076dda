package dev.likeness.contracts;

import dev.likeness.contracts.MessageValidationException.Violation;
import dev.likeness.contracts.events.ErrorCode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/** Collects violations, each under the JSON path of its field. */
final class Checker {

    /** Job and render request ids: safe as one object-store path segment. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final int MAX_KEY_BYTES = 1024;

    private final List<Violation> violations = new ArrayList<>();

    void add(String path, String message, ErrorCode code) {
        violations.add(new Violation(path, message, code));
    }

    void invalid(String path, String message) {
        add(path, message, ErrorCode.INVALID_PARAMETER);
    }

    /** Records a missing field; returns whether {@code value} is present. */
    boolean present(String path, Object value) {
        if (value == null) {
            add(path, "is required", ErrorCode.MALFORMED_MESSAGE);
            return false;
        }
        return true;
    }

    void schema(String path, String value, String expected) {
        if (present(path, value) && !value.equals(expected)) {
            add(path, "unsupported schema '" + value + "'; this service reads '" + expected + "'",
                    ErrorCode.MALFORMED_MESSAGE);
        }
    }

    void id(String path, String value) {
        if (present(path, value) && !ID.matcher(value).matches()) {
            invalid(path, "'" + abbreviate(value) + "' is not a valid id: use 1-128 of A-Z a-z 0-9 . _ -, "
                    + "starting with a letter or digit");
        }
    }

    void nonBlank(String path, String value, int maxLength) {
        if (present(path, value)) {
            if (value.isBlank()) {
                invalid(path, "must not be blank");
            } else if (value.length() > maxLength) {
                invalid(path, "is " + value.length() + " characters long; at most " + maxLength + " are allowed");
            }
        }
    }

    void range(String path, Integer value, int min, int max) {
        if (present(path, value) && (value < min || value > max)) {
            invalid(path, "is " + value + "; must be between " + min + " and " + max);
        }
    }

    void range(String path, Long value, long min, long max) {
        if (present(path, value) && (value < min || value > max)) {
            invalid(path, "is " + value + "; must be between " + min + " and " + max);
        }
    }

    void positive(String path, Double value) {
        if (present(path, value) && !(Double.isFinite(value) && value > 0)) {
            invalid(path, "is " + value + "; must be a finite number > 0");
        }
    }

    void range(String path, Double value, double min, double max) {
        if (present(path, value) && !(Double.isFinite(value) && value >= min && value <= max)) {
            invalid(path, "is " + value + "; must be between " + min + " and " + max);
        }
    }

    void finiteIfPresent(String path, Double value, double min) {
        if (value != null && !(Double.isFinite(value) && value >= min)) {
            invalid(path, "is " + value + "; must be a finite number >= " + min);
        }
    }

    /** A non-empty list without null elements; returns whether it can be walked. */
    boolean list(String path, Collection<?> values, int min, int max) {
        if (!present(path, values)) {
            return false;
        }
        if (values.size() < min || values.size() > max) {
            invalid(path, "has " + values.size() + " entries; must have between " + min + " and " + max);
        }
        int i = 0;
        boolean ok = true;
        for (Object v : values) {
            if (v == null) {
                add(path + "[" + i + "]", "must not be null", ErrorCode.MALFORMED_MESSAGE);
                ok = false;
            }
            i++;
        }
        return ok;
    }

    /** An object URI {@code s3://bucket/key}, key not ending in {@code /}. */
    void s3Object(String path, String uri) {
        s3(path, uri, false);
    }

    /** A folder URI {@code s3://bucket/prefix/}. */
    void s3Folder(String path, String uri) {
        s3(path, uri, true);
    }

    /** An object or folder URI. */
    void s3Any(String path, String uri) {
        if (present(path, uri)) {
            s3(path, uri, uri.endsWith("/"));
        }
    }

    private void s3(String path, String uri, boolean folder) {
        if (!present(path, uri)) {
            return;
        }
        String problem = s3Problem(uri, folder);
        if (problem != null) {
            invalid(path, "'" + abbreviate(uri) + "' " + problem);
        }
    }

    static String s3Problem(String uri, boolean folder) {
        String what = folder ? "s3://bucket/prefix/" : "s3://bucket/key";
        if (!uri.startsWith("s3://")) {
            return "is not an object-store URI; expected " + what + " (messages carry URIs, never file contents)";
        }
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        if (slash < 0 || !BUCKET.matcher(rest.substring(0, slash)).matches()) {
            return "has no valid bucket name; expected " + what;
        }
        String key = rest.substring(slash + 1);
        if (key.isEmpty()) {
            return "has an empty key; expected " + what;
        }
        if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            return "has a key longer than " + MAX_KEY_BYTES + " bytes";
        }
        if (folder != key.endsWith("/")) {
            return folder ? "must name a folder and end with '/'" : "must name an object, not a folder ending in '/'";
        }
        if (key.startsWith("/") || key.indexOf('\\') >= 0) {
            return "has a key with a leading '/' or a backslash";
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isISOControl(key.charAt(i))) {
                return "has a control character in its key";
            }
        }
        String[] segments = (folder ? key.substring(0, key.length() - 1) : key).split("/", -1);
        for (String s : segments) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                return "has an empty, '.' or '..' path segment in its key";
            }
        }
        return null;
    }

    void httpUrl(String path, String url) {
        if (present(path, url) && !(url.startsWith("https://") || url.startsWith("http://"))) {
            invalid(path, "'" + abbreviate(url) + "' is not an http(s) URL");
        }
    }

    void throwIfAny() {
        if (!violations.isEmpty()) {
            throw new MessageValidationException(violations);
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
