package dev.likeness.contracts;

import dev.likeness.contracts.events.ErrorCode;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A message was rejected. Carries every violation found, each with the JSON path of the offending
 * field ({@code $.hyperParameters.steps}, {@code $.instanceImages[2]}) and the error code a
 * {@code failed} event should report.
 */
public final class MessageValidationException extends RuntimeException {

    /**
     * One problem in a message.
     *
     * @param path    JSON path of the offending field, {@code $} for the whole message
     * @param message what is wrong, for humans
     * @param code    stable error code
     */
    public record Violation(String path, String message, ErrorCode code) {
        @Override
        public String toString() {
            return path + ": " + message;
        }
    }

    private final List<Violation> violations;

    public MessageValidationException(List<Violation> violations) {
        super(describe(violations));
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("a validation exception needs at least one violation");
        }
        this.violations = List.copyOf(violations);
    }

    MessageValidationException(String path, String message, ErrorCode code, Throwable cause) {
        super(path + ": " + message, cause);
        this.violations = List.of(new Violation(path, message, code));
    }

    /** All violations, in the order they were found. */
    public List<Violation> violations() {
        return violations;
    }

    /** JSON path of the first violation. */
    public String path() {
        return violations.get(0).path();
    }

    /** Error code of the first violation. */
    public ErrorCode errorCode() {
        return violations.get(0).code();
    }

    private static String describe(List<Violation> violations) {
        return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
    }
}
