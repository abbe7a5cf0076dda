package dev.likeness.worldmodels.clip;

import dev.likeness.metrics.preprocess.ImageProcessor;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.dataset.WorldConfig;
import dev.likeness.world.dataset.WorldDataset;
import dev.likeness.world.dataset.WorldSample;
import dev.likeness.world.scene.SceneAttributes;

import java.util.function.IntConsumer;

/**
 * A fixed set of world images kept in memory as uint8 ({@code [size, size, 3]} each, 3 KiB at 32 px) with their
 * attributes: rendering once and sampling many times keeps the training step free of rendering.
 */
public final class ImagePool {

    private final int size;
    private final byte[][] pixels;
    private final SceneAttributes[] scenes;

    private ImagePool(int size, byte[][] pixels, SceneAttributes[] scenes) {
        this.size = size;
        this.pixels = pixels;
        this.scenes = scenes;
    }

    /**
     * Renders samples {@code 0 … count-1} of {@code split}.
     *
     * @param progress called with the number rendered so far every 1000 images (may be a no-op)
     */
    public static ImagePool render(WorldConfig world, Split split, int count, IntConsumer progress) {
        if (count <= 0) {
            throw new IllegalArgumentException("pool size must be positive, got " + count);
        }
        WorldDataset dataset = new WorldDataset(world, split);
        byte[][] px = new byte[count][];
        SceneAttributes[] sc = new SceneAttributes[count];
        for (int i = 0; i < count; i++) {
            WorldSample s = dataset.sample(i);
            px[i] = s.image().rgb();
            sc[i] = s.attributes();
            if ((i + 1) % 1000 == 0) {
                progress.accept(i + 1);
            }
        }
        return new ImagePool(world.imageSize(), px, sc);
    }

    public int size() {
        return pixels.length;
    }

    public int imageSize() {
        return size;
    }

    public SceneAttributes scene(int i) {
        return scenes[i];
    }

    public RgbImage image(int i) {
        return new RgbImage(size, size, pixels[i]);
    }

    /** Normalised pixels of the given images, {@code [n, 3, size, size]} flattened. */
    public float[] pixelValues(int[] indices, ImageProcessor processor) {
        int per = 3 * size * size;
        float[] out = new float[indices.length * per];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(processor.pixelValues(image(indices[i])), 0, out, i * per, per);
        }
        return out;
    }
}
