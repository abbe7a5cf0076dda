package dev.likeness.worldmodels.quality;

/**
 * Bar 2: renders of "a [V] [class] …" by the tuned model against the base model's renders of "a [class] …" (same
 * prompts without the identifier, same seeds), both scored against the subject's photos.
 */
public record SubjectFidelity(TuningRecipe recipe, double trainSeconds, SubjectScores base, SubjectScores tuned) {

    public double clipIMargin() {
        return tuned.clipI() - base.clipI();
    }

    public double dinoMargin() {
        return tuned.dino() - base.dino();
    }

    /** Tuned minus base CLIP-T: near 0 when the prompt context is still followed. */
    public double clipTChange() {
        return tuned.clipT() - base.clipT();
    }

    /**
     * Tuned minus base CLIP-T against the prompts without their position clause: near 0 while {@link #clipTChange()}
     * falls means the subject keeps the scene but not its place in it.
     */
    public double clipTWithoutPositionChange() {
        return tuned.clipTWithoutPosition() - base.clipTWithoutPosition();
    }
}
