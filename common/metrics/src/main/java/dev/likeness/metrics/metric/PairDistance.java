package dev.likeness.metrics.metric;

import dev.likeness.metrics.preprocess.RgbImage;

/** A perceptual distance between two images (LPIPS), used for DIV when configured. */
public interface PairDistance {

    /** Short description for the report, e.g. {@code LPIPS (alex)}. */
    String description();

    double distance(RgbImage a, RgbImage b);
}
