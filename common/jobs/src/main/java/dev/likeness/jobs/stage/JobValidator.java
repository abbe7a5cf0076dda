package dev.likeness.jobs.stage;

import dev.likeness.contracts.jobs.PersonalizationJob;

/** Extra checks the intake runs on a parsed job before accepting it; throws {@link StageFailure}. */
@FunctionalInterface
public interface JobValidator {

    JobValidator NONE = job -> { };

    void check(PersonalizationJob job);
}
