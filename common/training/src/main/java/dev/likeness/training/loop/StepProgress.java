package dev.likeness.training.loop;

/**
 * Reported after every optimizer step.
 *
 * @param step           steps completed (1-based)
 * @param maxSteps       steps in the run
 * @param loss           loss of this step (mean over accumulated micro-batches)
 * @param learningRate   base-group learning rate used by this step
 * @param gradNorm       global gradient norm before clipping
 * @param stepsPerSecond throughput of this run so far
 * @param etaSeconds     estimated seconds to finish
 */
public record StepProgress(int step, int maxSteps, float loss, float learningRate, float gradNorm,
                           double stepsPerSecond, double etaSeconds) {
}
