package dev.likeness.world.dataset;

/** Derives independent 64-bit seeds from a base seed and indices (SplitMix64 finaliser; stable on every JVM). */
public final class Seeds {

    private Seeds() {
    }

    /** A well-mixed seed for the tuple {@code (seed, parts…)}. */
    public static long mix(long seed, long... parts) {
        long h = mix64(seed ^ 0x9E3779B97F4A7C15L);
        for (long p : parts) {
            h = mix64(h ^ mix64(p + 0x632BE59BD9B4E019L));
        }
        return h;
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
