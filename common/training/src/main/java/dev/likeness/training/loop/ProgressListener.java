package dev.likeness.training.loop;

/** Receives a {@link StepProgress} after each step (called on the training thread; keep it quick). */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = p -> { };

    void onStep(StepProgress progress);
}
