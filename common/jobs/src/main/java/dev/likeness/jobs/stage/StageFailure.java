package dev.likeness.jobs.stage;

import dev.likeness.contracts.events.ErrorCode;

/**
 * A stage failed for a reason the user can act on; becomes a {@code failed} event with {@link #code()} and the
 * message. Throw it from a {@link StageHandler} (or a {@link JobValidator}).
 */
public final class StageFailure extends RuntimeException {

    private final ErrorCode code;

    public StageFailure(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public StageFailure(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
