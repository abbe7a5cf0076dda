package dev.likeness.jobs.stage;

import dev.likeness.contracts.jobs.Stage;

/**
 * The work of one stage; what a service implements. The {@link StageRunner} around it parses the request, checks
 * idempotency and cancellation, publishes {@code stage-started}, then calls {@link #run}, then records the outcome,
 * routes the job on and publishes {@code stage-completed}.
 *
 * <p>Inside {@link #run}: write outputs to the object store (they are referenced only after run returns), report
 * progress with {@link StageContext#progress}, call {@link StageContext#throwIfCancelled()} between units of work,
 * and when {@link StageContext#shutdownRequested()} save what can be resumed and throw
 * {@link StageAbandonedException}. Fail with {@link StageFailure} (a specific error code); any other exception
 * is reported as {@code INTERNAL} (or {@code STORE_UNAVAILABLE} when the object store was unreachable).
 */
public interface StageHandler {

    /** The stage this handler runs. */
    Stage stage();

    /** Runs the stage for {@code context.job()}. */
    StageOutcome run(StageContext context) throws Exception;
}
