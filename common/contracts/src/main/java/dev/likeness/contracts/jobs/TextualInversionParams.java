package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Textual Inversion settings.
 *
 * @param numVectors       how many embedding vectors the new token spans (1 in the paper)
 * @param initializerToken an existing single-token word whose embedding starts the new vectors;
 *                         defaults to the job's class noun
 */
@JsonPropertyOrder({"numVectors", "initializerToken"})
public record TextualInversionParams(Integer numVectors, String initializerToken) {
}
