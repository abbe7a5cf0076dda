package dev.likeness.metrics.encoder;

import dev.likeness.metrics.preprocess.RgbImage;

import java.util.List;

/** Turns images into one embedding each (preprocessing included), in batches. */
public interface ImageEmbedder extends AutoCloseable {

    EncoderInfo info();

    /**
     * @return one row {@code [dim]} per image, in input order
     */
    float[][] embed(List<RgbImage> images);

    @Override
    void close();
}
