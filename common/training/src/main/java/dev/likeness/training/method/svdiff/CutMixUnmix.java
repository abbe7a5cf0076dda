package dev.likeness.training.method.svdiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

import java.util.SplittableRandom;

/**
 * Cut-Mix-Unmix data augmentation for multi-subject SVDiff (Han et al. 2023, §4): with probability {@code p}
 * (0.6 by default) a training sample is two subjects side by side, each the central half-width strip of its own
 * image, with the prompt {@code "photo of a [V1] dog on the left and a [V2] sculpture on the right"} (orientation
 * drawn at random, so the swapped form appears as often); otherwise one subject alone. Prior-preservation samples are
 * mixed the same way with the class nouns ({@code "photo of a dog on the left and a sculpture on the right"}).
 *
 * <p>The "unmix" regulariser on the cross-attention maps of mixed samples is {@link UnmixRegularizer}; two-subject
 * training with both is {@link CutMixTraining}.
 *
 * <p>Deterministic for a seed; images are {@code [channels, height, width]}.
 */
public final class CutMixUnmix {

    public static final float DEFAULT_PROBABILITY = 0.6f;

    /** A subject: its identifier (e.g. {@code sks}) and class noun (e.g. {@code dog}). */
    public record Subject(String identifier, String noun) {
        public Subject {
            if (noun == null || noun.isBlank()) {
                throw new IllegalArgumentException("a subject needs a class noun");
            }
        }

        String instancePhrase() {
            return identifier == null || identifier.isBlank() ? noun : identifier + " " + noun;
        }
    }

    /**
     * One augmented sample.
     *
     * @param pixels {@code [channels, height, width]}, owned by the first input image's manager
     * @param left   subject index (0 = first, 1 = second) shown on the left, or the only subject when not mixed
     * @param mixed  whether the image holds both subjects
     */
    public record Sample(NDArray pixels, String prompt, int left, boolean mixed) {
    }

    private final float probability;
    private final SplittableRandom random;

    public CutMixUnmix(float probability, long seed) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("cut-mix probability must be in [0, 1], got " + probability);
        }
        this.probability = probability;
        this.random = new SplittableRandom(seed);
    }

    /** An instance sample: the mixed pair with probability {@code p}, else the first subject alone. */
    public Sample instance(NDArray imageA, Subject a, NDArray imageB, Subject b) {
        return draw(imageA, imageB, "a photo of a " + a.instancePhrase(), a.instancePhrase(), b.instancePhrase());
    }

    /** A prior-preservation sample, mixed the same way with the class nouns. */
    public Sample prior(NDArray classA, Subject a, NDArray classB, Subject b) {
        return draw(classA, classB, "a photo of a " + a.noun(), a.noun(), b.noun());
    }

    private Sample draw(NDArray imageA, NDArray imageB, String alonePrompt, String phraseA, String phraseB) {
        boolean mix = random.nextFloat() < probability;
        boolean aLeft = random.nextBoolean();
        if (!mix) {
            return new Sample(imageA.duplicate(), alonePrompt, 0, false);
        }
        NDArray pixels = aLeft ? mix(imageA, imageB) : mix(imageB, imageA);
        String prompt = aLeft ? mixedPrompt(phraseA, phraseB) : mixedPrompt(phraseB, phraseA);
        return new Sample(pixels, prompt, aLeft ? 0 : 1, true);
    }

    /** {@code "photo of a <left> on the left and a <right> on the right"}. */
    public static String mixedPrompt(String left, String right) {
        return "photo of a " + left + " on the left and a " + right + " on the right";
    }

    /**
     * The central half-width strips of two images side by side.
     *
     * @param left  {@code [c, h, w]}
     * @param right {@code [c, h, w]} (same shape)
     * @return {@code [c, h, w]} in {@code left}'s manager
     */
    public static NDArray mix(NDArray left, NDArray right) {
        if (left.getShape().dimension() != 3 || !left.getShape().equals(right.getShape())) {
            throw new IllegalArgumentException("cut-mix needs two [channels, height, width] images of one shape, got "
                    + left.getShape() + " and " + right.getShape());
        }
        long w = left.getShape().get(2);
        long leftWidth = w / 2;
        long rightWidth = w - leftWidth;
        try (NDArray l = strip(left, leftWidth); NDArray r = strip(right, rightWidth)) {
            return l.concat(r, 2);
        }
    }

    private static NDArray strip(NDArray image, long width) {
        long w = image.getShape().get(2);
        long start = (w - width) / 2;
        return image.get(new NDIndex(":, :, " + start + ":" + (start + width)));
    }

    /** Row-major {@code [height, width]} mask: 1 on the left (or right) half that a mixed sample gives a subject. */
    public static float[] halfMask(int height, int width, boolean left) {
        float[] m = new float[height * width];
        int split = width / 2;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                m[y * width + x] = (x < split) == left ? 1f : 0f;
            }
        }
        return m;
    }
}
