package dev.likeness.world.dataset;

import dev.likeness.world.image.RgbImage;
import dev.likeness.world.render.SceneRenderer;
import dev.likeness.world.scene.Captions;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The procedural captioned image world, one split of it. Sample {@code i} is a pure function of (seed, split, i):
 * random access, no state, thread-safe. A split keeps drawing (attempt 0, 1, …, each from its own seed) until the
 * scene falls into it, so the training split never contains a held-out composition.
 */
public final class WorldDataset {

    /** Gives up on an index after this many draws; with a held-out fraction of 0 that split is empty. */
    private static final int MAX_ATTEMPTS = 10_000;

    private final WorldConfig config;
    private final Split split;
    private final HeldOutRule rule;
    private final SceneRenderer renderer;

    public WorldDataset(WorldConfig config, Split split) {
        this.config = Objects.requireNonNull(config, "config");
        this.split = Objects.requireNonNull(split, "split");
        this.rule = new HeldOutRule(config.heldOutFraction());
        this.renderer = new SceneRenderer(config.imageSize(), config.supersample());
    }

    /** The training split of the default world. */
    public static WorldDataset train() {
        return new WorldDataset(WorldConfig.defaults(), Split.TRAIN);
    }

    /** The held-out split of the default world. */
    public static WorldDataset heldOut() {
        return new WorldDataset(WorldConfig.defaults(), Split.HELD_OUT);
    }

    public WorldConfig config() {
        return config;
    }

    public Split split() {
        return split;
    }

    public HeldOutRule heldOutRule() {
        return rule;
    }

    /** Sample {@code index}: image, caption and attributes. */
    public WorldSample sample(long index) {
        Drawn d = drawScene(index);
        RgbImage image = renderer.render(d.draw.attributes(), d.draw.layout());
        return new WorldSample(index, d.split, image, Captions.caption(d.draw.attributes()), d.draw.attributes(),
                d.draw.layout());
    }

    /** The background of sample {@code index} alone, without its objects. */
    public RgbImage background(long index) {
        Drawn d = drawScene(index);
        return renderer.renderBackground(d.draw.attributes(), d.draw.layout());
    }

    /**
     * Which pixels of sample {@code index} show an object: 1 where the image differs from its background-only render
     * by more than {@code threshold} levels summed over the three channels, else 0; {@code [size, size]} row-major.
     * Antialiased edges below the threshold count as background.
     */
    public byte[] objectMask(long index, int threshold) {
        Drawn d = drawScene(index);
        return objectMask(renderer.render(d.draw.attributes(), d.draw.layout()).rgb(),
                renderer.renderBackground(d.draw.attributes(), d.draw.layout()).rgb(), threshold);
    }

    /**
     * The object mask of an image given its background-only render (both interleaved RGB of the same size), as
     * {@link #objectMask(long, int)} computes it; for callers that already hold the rendered image.
     */
    public static byte[] objectMask(byte[] image, byte[] background, int threshold) {
        if (image.length != background.length || image.length % 3 != 0) {
            throw new IllegalArgumentException("image (" + image.length + " bytes) and background (" + background.length
                    + " bytes) must be RGB images of one size");
        }
        byte[] mask = new byte[image.length / 3];
        for (int p = 0; p < mask.length; p++) {
            int diff = 0;
            for (int c = 0; c < 3; c++) {
                diff += Math.abs((image[p * 3 + c] & 0xff) - (background[p * 3 + c] & 0xff));
            }
            mask[p] = (byte) (diff > threshold ? 1 : 0);
        }
        return mask;
    }

    /** Attributes and layout of sample {@code index} without rendering it (cheap: for captions and statistics). */
    public SceneSampler.Draw scene(long index) {
        return drawScene(index).draw;
    }

    /** Caption of sample {@code index} without rendering it. */
    public String caption(long index) {
        return Captions.caption(scene(index).attributes());
    }

    private record Drawn(SceneSampler.Draw draw, Split split) {
    }

    private Drawn drawScene(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("sample index must be >= 0 but is " + index);
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            SplittableRandom rng = new SplittableRandom(Seeds.mix(config.seed(), index, attempt));
            SceneSampler.Draw d = SceneSampler.draw(rng, config.secondObjectProbability());
            Split s = rule.splitOf(d.attributes());
            if (split == Split.ALL || s == split) {
                return new Drawn(d, s);
            }
        }
        throw new IllegalStateException("no scene of split " + split.id() + " found for index " + index + " in "
                + MAX_ATTEMPTS + " draws (held-out fraction " + config.heldOutFraction() + ")");
    }
}
