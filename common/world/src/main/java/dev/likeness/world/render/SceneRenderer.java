package dev.likeness.world.render;

import dev.likeness.world.image.RgbImage;
import dev.likeness.world.scene.SceneAttributes;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.SplittableRandom;

/**
 * Renders scenes with Java2D: antialiased vector drawing at {@code supersample}× the output size, then an exact box
 * filter down to {@code size}×{@code size}. Only shapes and gradients are drawn (no fonts), so the same attributes
 * and layout give the same bytes on every run of the same JDK.
 */
public final class SceneRenderer {

    private final int size;
    private final int supersample;

    /** Renders {@code size}×{@code size} images with 4× supersampling. */
    public SceneRenderer(int size) {
        this(size, 4);
    }

    public SceneRenderer(int size, int supersample) {
        if (size < 8 || size > 1024) {
            throw new IllegalArgumentException("image size must be in [8, 1024] but is " + size);
        }
        if (supersample < 1 || supersample > 8) {
            throw new IllegalArgumentException("supersample must be in [1, 8] but is " + supersample);
        }
        this.size = size;
        this.supersample = supersample;
    }

    public int size() {
        return size;
    }

    /** An RGB image {@code [size, size, 3]} of the scene. */
    public RgbImage render(SceneAttributes scene, SceneLayout layout) {
        return draw(scene, layout, true);
    }

    /** The scene's background alone, {@code [size, size, 3]}: where it differs from {@link #render}, objects are. */
    public RgbImage renderBackground(SceneAttributes scene, SceneLayout layout) {
        return draw(scene, layout, false);
    }

    private RgbImage draw(SceneAttributes scene, SceneLayout layout, boolean objects) {
        if (scene.secondObject().isPresent() != (layout.second() != null)) {
            throw new IllegalArgumentException("layout must place a second object exactly when the scene has one");
        }
        int big = size * supersample;
        BufferedImage canvas = new BufferedImage(big, big, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_COLOR_RENDERING, RenderingHints.VALUE_COLOR_RENDER_QUALITY);
            g.scale(big, big);
            BackgroundPainter.paint(g, scene.background(), new SplittableRandom(layout.textureSeed()));
            if (objects) {
                scene.secondObject().ifPresent(s -> ObjectPainter.paint(g, s, layout.second()));
                ObjectPainter.paint(g, scene.primary(), layout.primary());
            }
        } finally {
            g.dispose();
        }
        return downsample(((DataBufferInt) canvas.getRaster().getDataBuffer()).getData(), big);
    }

    /** Mean of each {@code supersample}² block, rounded half up. */
    private RgbImage downsample(int[] argb, int big) {
        return RgbImage.boxDownsample(argb, big, supersample);
    }
}
