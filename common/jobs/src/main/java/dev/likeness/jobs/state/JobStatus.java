package dev.likeness.jobs.state;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a job stands as a whole. */
public enum JobStatus {
    /** Validated and routed to its first stage; no stage has started yet. */
    ACCEPTED("accepted"),
    /** A stage is running (or was running when its owner died). */
    RUNNING("running"),
    /** The last stage finished. */
    SUCCEEDED("succeeded"),
    /** A stage failed; nothing more happens. */
    FAILED("failed"),
    /** A control message cancelled the job. */
    CANCELLED("cancelled");

    private final String wire;

    JobStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** Whether nothing more happens to the job. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
