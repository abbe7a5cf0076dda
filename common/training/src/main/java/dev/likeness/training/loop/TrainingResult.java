package dev.likeness.training.loop;

import java.util.List;

/**
 * What a run did.
 *
 * @param firstStep      steps already done when this run started (0, or the resumed checkpoint's step)
 * @param steps          steps completed at the end
 * @param losses         loss of every step from step 1 (including those before a resume, from the checkpoint)
 * @param secondsPerStep mean wall time per step of this run
 */
public record TrainingResult(int firstStep, int steps, List<Float> losses, double secondsPerStep) {
}
