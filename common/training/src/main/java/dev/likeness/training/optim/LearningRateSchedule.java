package dev.likeness.training.optim;

import dev.likeness.training.LearningRateScheduleKind;

/**
 * Learning-rate multiplier per optimizer step, as diffusers' {@code get_scheduler} computes it (LambdaLR over the
 * number of completed updates). {@link #factor(int)} takes the number of updates already applied (0 for the first).
 */
public final class LearningRateSchedule {

    private final LearningRateScheduleKind kind;
    private final int warmupSteps;
    private final int totalSteps;
    private final float cosineCycles;

    public LearningRateSchedule(LearningRateScheduleKind kind, int warmupSteps, int totalSteps, float cosineCycles) {
        if (warmupSteps < 0 || totalSteps <= 0) {
            throw new IllegalArgumentException("learning-rate schedule needs warmupSteps >= 0 and totalSteps > 0, got "
                    + warmupSteps + " and " + totalSteps);
        }
        this.kind = kind;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
        this.cosineCycles = cosineCycles;
    }

    /** Multiplier of the base learning rate for the update after {@code step} completed updates. */
    public double factor(int step) {
        return switch (kind) {
            case CONSTANT -> 1.0;
            case CONSTANT_WITH_WARMUP -> step < warmupSteps ? (double) step / Math.max(1, warmupSteps) : 1.0;
            case LINEAR -> {
                if (step < warmupSteps) {
                    yield (double) step / Math.max(1, warmupSteps);
                }
                yield Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
            }
            case COSINE -> {
                if (step < warmupSteps) {
                    yield (double) step / Math.max(1, warmupSteps);
                }
                double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
                yield Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * cosineCycles * 2.0 * progress)));
            }
        };
    }
}
