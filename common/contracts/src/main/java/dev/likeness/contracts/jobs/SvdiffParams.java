package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * SVDiff settings: spectral shifts δ on the singular values of every weight.
 *
 * @param learningRate1d         learning rate for the shifts of 1-D parameters (norm scales and
 *                               biases); the paper uses a much smaller rate there (1e-6)
 * @param scale                  global scale applied to all shifts when the weights are recomposed
 * @param cutMixUnmixProbability probability of a Cut-Mix-Unmix sample per step, in [0, 1]
 */
@JsonPropertyOrder({"learningRate1d", "scale", "cutMixUnmixProbability"})
public record SvdiffParams(Double learningRate1d, Double scale, Double cutMixUnmixProbability) {
}
