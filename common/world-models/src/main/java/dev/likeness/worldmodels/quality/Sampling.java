package dev.likeness.worldmodels.quality;

/**
 * How the quality checks sample: DDIM with {@code steps} steps at classifier-free guidance {@code guidance}, square
 * images of {@code size} pixels.
 */
public record Sampling(int steps, float guidance, int size) {

    public Sampling {
        if (steps < 1 || steps > 1000) {
            throw new IllegalArgumentException("steps must be in [1, 1000] but is " + steps);
        }
        if (!(guidance >= 1f) || Float.isInfinite(guidance)) {
            throw new IllegalArgumentException("guidance must be a finite number >= 1 but is " + guidance);
        }
        if (size < 8 || size % 8 != 0) {
            throw new IllegalArgumentException("size must be a positive multiple of 8 but is " + size);
        }
    }

    /** What the bars are stated for: DDIM 25 steps, guidance 5, 32 px (the world-sd native size). */
    public static Sampling defaults() {
        return new Sampling(25, 5f, 32);
    }
}
