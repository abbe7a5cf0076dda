package dev.likeness.worldmodels.quality;

import dev.likeness.world.dataset.Split;
import dev.likeness.worldmodels.clip.ZeroShotAccuracy;

/**
 * Zero-shot accuracy of the world CLIP on images of one split: base-model renders of the split's captions
 * ({@code rendered}) or the world's own images of them (the classifier's ceiling).
 */
public record CaptionScore(Split split, boolean rendered, ZeroShotAccuracy accuracy) {

    /** "base-model renders" or "real world images". */
    public String source() {
        return rendered ? "base-model renders" : "real world images";
    }
}
