package dev.likeness.training.loop;

import java.util.List;

/**
 * An extra loss term computed around one forward pass (e.g. SVDiff's unmix term on cross-attention maps), installed
 * with {@link Trainer#regularize}. The trainer calls {@link #beforeForward}, runs the model, passes the objective's
 * terms to {@link #afterForward} and back-propagates the returned total, then calls {@link #afterBackward}.
 */
public interface LossRegularizer {

    /**
     * Called right before the forward pass of {@code batch}.
     *
     * @param prompts the text of each row, or {@code null} when the caller did not give them
     */
    default void beforeForward(TrainingBatch batch, List<String> prompts) {
    }

    /** The objective's terms with this regulariser added ({@link LossTerms#plus}), or {@code terms} unchanged. */
    LossTerms afterForward(LossTerms terms, TrainingBatch batch, List<String> prompts);

    /** Called after the backward pass (also when the step failed): release what the forward pass recorded. */
    default void afterBackward() {
    }
}
