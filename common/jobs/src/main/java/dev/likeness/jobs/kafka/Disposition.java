package dev.likeness.jobs.kafka;

/** What the consumer does with a record after its processor returns. */
public enum Disposition {
    /** Handled (done, failed for good, skipped as a duplicate): commit its offset. */
    DONE,
    /** Not now (another live instance holds the job): deliver it again after a back-off, without committing. */
    RETRY_LATER,
    /** Given up because this instance is shutting down: leave it uncommitted so another instance gets it. */
    ABANDONED
}
