package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * LoRA settings: ΔW = (alpha / rank) · B·A on the attention projections.
 *
 * @param rank  inner dimension of the low-rank update
 * @param alpha scaling numerator; defaults to {@code rank} (scale 1)
 */
@JsonPropertyOrder({"rank", "alpha"})
public record LoraParams(Integer rank, Double alpha) {
}
