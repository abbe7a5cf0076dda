package dev.likeness.worldmodels.quality;

/**
 * The issue-8 bars as numbers. Caption following is the issue's own figure; "clearly above", "close to" and
 * "visible" are made concrete here once, for the tests and the {@code quality} table alike.
 */
public final class QualityBars {

    /** Zero-shot class accuracy on base-model renders of held-out captions (issue 8: ≥ 80 %). */
    public static final double CLASS_ACCURACY = 0.80;
    /** Zero-shot colour accuracy on the same renders (issue 8: ≥ 80 %). */
    public static final double COLOUR_ACCURACY = 0.80;
    /** Tuned minus base CLIP-I to the subject photos: clearly above the base model. */
    public static final double CLIP_I_MARGIN = 0.05;
    /** Tuned minus base DINO to the subject photos: clearly above the base model. */
    public static final double DINO_MARGIN = 0.05;
    /** Largest drop of CLIP-T (tuned minus base) that still counts as "close to the base model's". */
    public static final double CLIP_T_DROP = 0.05;
    /** With prior preservation, PRES may exceed the base model's by at most this much ("close"). */
    public static final double PRES_WITH_PRIOR = 0.05;
    /** Without prior preservation, PRES must exceed the run with prior by at least this much (leakage shows). */
    public static final double PRES_LEAKAGE = 0.05;

    private QualityBars() {
    }

    public static boolean captionsMet(CaptionScore s) {
        return s.accuracy().classAccuracy() >= CLASS_ACCURACY && s.accuracy().colourAccuracy() >= COLOUR_ACCURACY;
    }

    public static boolean personalizationMet(SubjectFidelity f) {
        return f.clipIMargin() >= CLIP_I_MARGIN && f.dinoMargin() >= DINO_MARGIN && f.clipTChange() >= -CLIP_T_DROP;
    }

    /**
     * PRES with prior close to the base model's, without prior clearly higher, and both runs learned the subject
     * (their "a sks vase …" renders beat the base model's "a vase …" renders by {@link #DINO_MARGIN} in DINO):
     * otherwise a run that changed nothing would keep the class trivially.
     */
    public static boolean priorPreservationMet(PriorPreservation p) {
        return p.presChangeWithPrior() <= PRES_WITH_PRIOR
                && p.withoutPrior().pres() - p.withPrior().pres() >= PRES_LEAKAGE
                && subjectLearned(p, p.withPrior()) && subjectLearned(p, p.withoutPrior());
    }

    /** A tuned run's "a sks vase …" DINO minus the base model's "a vase …" DINO reaches {@link #DINO_MARGIN}. */
    public static boolean subjectLearned(PriorPreservation p, PriorPreservation.Run run) {
        return run.subjectDino() - p.base().pres() >= DINO_MARGIN;
    }
}
