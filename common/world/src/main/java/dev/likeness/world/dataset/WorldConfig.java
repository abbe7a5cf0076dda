package dev.likeness.world.dataset;

/**
 * Settings of one world dataset.
 *
 * @param seed                    base seed; sample {@code i} depends only on (seed, i)
 * @param imageSize               output side in pixels (32 and 64 are the trained sizes)
 * @param supersample             rendering oversampling factor before the box filter
 * @param heldOutFraction         fraction of compositions held out of training
 * @param secondObjectProbability chance that a scene has a second object
 */
public record WorldConfig(long seed, int imageSize, int supersample, double heldOutFraction,
                          double secondObjectProbability) {

    public static final long DEFAULT_SEED = 20260508L;

    public WorldConfig {
        if (imageSize < 16 || imageSize > 512) {
            throw new IllegalArgumentException("imageSize must be in [16, 512] but is " + imageSize);
        }
        if (supersample < 1 || supersample > 8) {
            throw new IllegalArgumentException("supersample must be in [1, 8] but is " + supersample);
        }
        if (!(secondObjectProbability >= 0 && secondObjectProbability <= 1)) {
            throw new IllegalArgumentException("secondObjectProbability must be in [0, 1] but is "
                    + secondObjectProbability);
        }
        new HeldOutRule(heldOutFraction); // validates the fraction
    }

    /** 64×64, 4× supersampling, 10% of compositions held out, a second object in 30% of scenes. */
    public static WorldConfig defaults() {
        return new WorldConfig(DEFAULT_SEED, 64, 4, 0.1, 0.3);
    }

    public WorldConfig withSeed(long newSeed) {
        return new WorldConfig(newSeed, imageSize, supersample, heldOutFraction, secondObjectProbability);
    }

    public WorldConfig withImageSize(int size) {
        return new WorldConfig(seed, size, supersample, heldOutFraction, secondObjectProbability);
    }
}
