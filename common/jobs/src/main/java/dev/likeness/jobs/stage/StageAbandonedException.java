package dev.likeness.jobs.stage;

/**
 * Thrown inside a stage that stops because the instance shuts down (after saving what can be resumed). The runner
 * releases the job and leaves its message uncommitted, so another instance takes it over.
 */
public final class StageAbandonedException extends RuntimeException {

    public StageAbandonedException(String message) {
        super(message);
    }
}
