package dev.likeness.training.loop;

import dev.likeness.training.TrainingModel;

/**
 * Renders validation images every {@code validationEvery} steps (e.g. with the engine's pipeline) while the method's
 * overrides are installed, so the images show the model as trained so far. Runs outside gradient recording.
 */
@FunctionalInterface
public interface ValidationHook {

    ValidationHook NONE = (step, model, prompt) -> { };

    /**
     * @param step   steps completed
     * @param prompt the validation prompt with the method's identifier/placeholder resolved
     */
    void validate(int step, TrainingModel model, String prompt) throws Exception;
}
