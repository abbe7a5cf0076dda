package dev.likeness.worldmodels.quality;

/**
 * Bar 3: PRES (DINO similarity of class-prompt renders to the subject's photos, lower = the class did not collapse
 * onto the subject) and DIV of the base model and of the same fine-tuning with and without prior preservation.
 * {@code subjectDino} of a tuned run is the DINO score of its "a [V] [class] …" renders: that the run learned the
 * subject at all.
 */
public record PriorPreservation(TuningRecipe recipe, int classImages, Run base, Run withPrior, Run withoutPrior) {

    /** One model's numbers ({@code subjectDino} is NaN for the base model, which has no identifier). */
    public record Run(double pres, double div, double subjectDino, double trainSeconds) {
    }

    /** PRES with prior preservation minus the base model's: near 0 when the class prior is kept. */
    public double presChangeWithPrior() {
        return withPrior.pres() - base.pres();
    }

    /** PRES without prior preservation minus the base model's: the subject leaking into the class. */
    public double presChangeWithoutPrior() {
        return withoutPrior.pres() - base.pres();
    }
}
