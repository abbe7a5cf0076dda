package dev.likeness.training.loop;

import ai.djl.ndarray.NDArray;

/**
 * The loss of one forward pass.
 *
 * @param total        scalar to differentiate: instance + λ·prior
 * @param instanceLoss value of the instance term
 * @param priorLoss    value of the prior term (0 without prior preservation)
 * @param prediction   the model output {@code [batch, 4, h, w]}
 */
public record LossTerms(NDArray total, float instanceLoss, float priorLoss, NDArray prediction) {
}
