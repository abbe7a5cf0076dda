package dev.likeness.jobs.stage;

/** Thrown inside a stage when a cancel was requested; the runner publishes {@code cancelled}. */
public final class JobCancelledException extends RuntimeException {

    private final String reason;

    public JobCancelledException(String jobId, String reason) {
        super("job " + jobId + " was cancelled" + (reason == null ? "" : ": " + reason));
        this.reason = reason;
    }

    /** The reason given in the control message (may be {@code null}). */
    public String reason() {
        return reason;
    }
}
