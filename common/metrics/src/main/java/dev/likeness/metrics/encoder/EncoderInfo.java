package dev.likeness.metrics.encoder;

/**
 * What produced a set of embeddings, for the report.
 *
 * @param kind          {@code clip} or {@code dino}
 * @param source        the model folder
 * @param dim           embedding width
 * @param preprocessing the image processor settings in words
 * @param untrained     the weights are random: numbers from this encoder carry no meaning
 */
public record EncoderInfo(String kind, String source, int dim, String preprocessing, boolean untrained) {
}
