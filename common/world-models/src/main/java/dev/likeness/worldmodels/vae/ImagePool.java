package dev.likeness.worldmodels.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.world.dataset.WorldDataset;

import java.util.SplittableRandom;

/**
 * A fixed pool of world images (samples {@code 0 … size-1} of one split), rendered on first use and kept as uint8
 * RGB, so a long run pays the ~5 ms render once per image. Thread-confined (the trainer's thread).
 */
public final class ImagePool {

    /** Levels (summed over RGB) by which an object pixel differs from the background-only render. */
    static final int OBJECT_THRESHOLD = 24;

    private final WorldDataset dataset;
    private final int side;
    private final byte[][] images;
    private final byte[][] masks;
    private final double genericFraction;
    private final long genericSeed;

    public ImagePool(WorldDataset dataset, int size) {
        this(dataset, size, 0, 0);
    }

    /**
     * A pool in which about {@code genericFraction} of the images are {@link GenericMarks} over the world background
     * of that sample instead of the world sample itself (which ones, and their marks, follow from
     * {@code genericSeed} and the index).
     */
    public ImagePool(WorldDataset dataset, int size, double genericFraction, long genericSeed) {
        if (size <= 0) {
            throw new IllegalArgumentException("image pool size must be positive, got " + size);
        }
        if (!(genericFraction >= 0 && genericFraction <= 1)) {
            throw new IllegalArgumentException("generic-marks fraction must be in [0, 1], got " + genericFraction);
        }
        this.genericFraction = genericFraction;
        this.genericSeed = genericSeed;
        this.dataset = dataset;
        this.side = dataset.config().imageSize();
        this.images = new byte[size][];
        this.masks = new byte[size][];
    }

    public int size() {
        return images.length;
    }

    /** Side length in pixels. */
    public int side() {
        return side;
    }

    /** Interleaved RGB bytes {@code [side, side, 3]} of pool image {@code i}. */
    public byte[] rgb(int i) {
        checkIndex(i);
        if (images[i] == null) {
            if (isGeneric(i)) {
                renderGeneric(i);
            } else {
                images[i] = dataset.sample(i).image().rgb();
            }
        }
        return images[i];
    }

    /** Object mask of pool image {@code i}: {@code [side, side]}, 1 on object pixels (rendered on first use). */
    public byte[] objectMask(int i) {
        checkIndex(i);
        if (masks[i] == null) {
            if (isGeneric(i)) {
                renderGeneric(i);
            } else {
                // the pool's own image, so only the background is rendered anew
                masks[i] = WorldDataset.objectMask(rgb(i), dataset.background(i).rgb(), OBJECT_THRESHOLD);
            }
        }
        return masks[i];
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= images.length) {
            throw new IndexOutOfBoundsException("pool index " + i + " outside [0, " + images.length + ")");
        }
    }

    /** Whether pool image {@code i} is generic marks rather than a world sample. */
    public boolean isGeneric(int i) {
        return genericFraction > 0
                && new SplittableRandom(genericSeed * 0x9E3779B97F4A7C15L + i).nextDouble() < genericFraction;
    }

    private void renderGeneric(int i) {
        long seed = genericSeed ^ (0xC2B2AE3D27D4EB4FL * (i + 1));
        GenericMarks.Marked marked = GenericMarks.paint(dataset.background(i), seed);
        images[i] = marked.rgb();
        masks[i] = marked.mask();
    }

    /**
     * Per-pixel loss weights of the images at {@code indices}: {@code objectWeight} on object pixels, 1 elsewhere,
     * divided by their batch mean so the loss keeps its scale whatever share of the batch objects cover.
     *
     * @return {@code [indices.length, 1, side, side]}, owned by {@code manager}
     */
    public NDArray pixelWeights(int[] indices, float objectWeight, NDManager manager) {
        int plane = side * side;
        float[] w = new float[indices.length * plane];
        double sum = 0;
        for (int n = 0; n < indices.length; n++) {
            byte[] m = objectMask(indices[n]);
            for (int p = 0; p < plane; p++) {
                w[n * plane + p] = m[p] == 1 ? objectWeight : 1f;
                sum += w[n * plane + p];
            }
        }
        float scale = (float) (w.length / sum);
        for (int i = 0; i < w.length; i++) {
            w[i] *= scale;
        }
        return manager.create(w, new Shape(indices.length, 1, side, side));
    }

    /**
     * The images at {@code indices} as a float batch.
     *
     * @return {@code [indices.length, 3, side, side]} in [-1, 1], owned by {@code manager}
     */
    public NDArray batch(int[] indices, NDManager manager) {
        int plane = side * side;
        float[] out = new float[indices.length * 3 * plane];
        for (int n = 0; n < indices.length; n++) {
            byte[] rgb = rgb(indices[n]);
            int base = n * 3 * plane;
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    out[base + c * plane + p] = (rgb[p * 3 + c] & 0xff) / 127.5f - 1f;
                }
            }
        }
        return manager.create(out, new Shape(indices.length, 3, side, side));
    }
}
