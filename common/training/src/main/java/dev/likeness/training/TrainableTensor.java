package dev.likeness.training;

import ai.djl.ndarray.NDArray;

import java.util.Objects;

/**
 * One tensor the optimizer updates in place. {@code array} must have {@code requiresGradient} set and must be owned by
 * a long-lived manager (the method's or the model's), never a per-step scope.
 *
 * @param name  stable, unique key (used in checkpoints and optimizer state), e.g. {@code unet.conv_in.weight}
 * @param array the trainable tensor itself (updated in place by {@link dev.likeness.training.optim.AdamW})
 * @param group parameter-group name; the learning rate comes from {@link FineTuningMethod#groupLearningRates}
 *              (or the configured default when the group is not listed)
 */
public record TrainableTensor(String name, NDArray array, String group) {

    /** Group used when a method does not distinguish groups. */
    public static final String DEFAULT_GROUP = "default";

    public TrainableTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(array, "array of " + name);
        Objects.requireNonNull(group, "group of " + name);
    }
}
