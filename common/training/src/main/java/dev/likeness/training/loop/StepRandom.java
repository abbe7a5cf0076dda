package dev.likeness.training.loop;

import java.util.SplittableRandom;

/**
 * Deterministic random streams keyed by (seed, purpose, index): the whole random state of a run is its seed and
 * step, so a run resumed from a checkpoint draws exactly the numbers an uninterrupted one would.
 */
public final class StepRandom {

    /** Purposes, so that e.g. noise and data order never share a stream. */
    public static final long NOISE = 1;
    public static final long DATA_ORDER = 2;
    public static final long LATENT_SAMPLE = 3;

    private StepRandom() {
    }

    /** A fresh generator for {@code (seed, purpose, a, b)}. */
    public static SplittableRandom of(long seed, long purpose, long a, long b) {
        long h = mix(seed);
        h = mix(h ^ purpose * 0x9E3779B97F4A7C15L);
        h = mix(h ^ a * 0xC2B2AE3D27D4EB4FL);
        h = mix(h ^ b * 0x165667B19E3779F9L);
        return new SplittableRandom(h);
    }

    /** {@code n} standard normal floats. */
    public static float[] gaussian(SplittableRandom r, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) r.nextGaussian();
        }
        return out;
    }

    /** A permutation of 0..n-1 (Fisher–Yates). */
    public static int[] permutation(SplittableRandom r, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    // SplitMix64 finaliser
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
