package dev.likeness.worldmodels.dino;

import dev.likeness.metrics.preprocess.ImageProcessor;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.world.dataset.Seeds;

import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code viewsPerIdentity} rendered views of every identity, kept as uint8 ({@code [size, size, 3]}, 3 KiB at 32 px),
 * so a training step samples instead of rendering. After each step {@link #refresh} re-renders a few slots, so the
 * pool keeps changing over a long run.
 *
 * <p>The content of slot (identity, view) is a pure function of (seed, identity, view, generation), and which slots
 * a step refreshes is a function of (seed, step); so the pool at step {@code s} is a function of (seed, s) and a
 * resumed run sees exactly the pool an uninterrupted run would have ({@link #advanceTo} replays the bookkeeping
 * without rendering the intermediate generations).
 */
public final class ViewPool {

    private static final long REFRESH_STREAM = 0x7E_F2E5L;

    private final List<Identity> identities;
    private final IdentityViews views;
    private final int perIdentity;
    private final int refreshPerStep;
    private final long seed;
    private final byte[][] pixels;
    private final int[] generation;

    /**
     * Renders generation 0 of every slot ({@code identities.size() * perIdentity} images, about 5 ms each at 32 px).
     */
    public ViewPool(List<Identity> identities, IdentityViews views, int perIdentity, int refreshPerStep, long seed) {
        if (identities.isEmpty()) {
            throw new IllegalArgumentException("view pool needs at least one identity");
        }
        if (perIdentity < 2) {
            throw new IllegalArgumentException("need at least 2 views per identity (a positive pair), got "
                    + perIdentity);
        }
        if (refreshPerStep < 0) {
            throw new IllegalArgumentException("refresh per step must be >= 0, got " + refreshPerStep);
        }
        this.identities = List.copyOf(identities);
        this.views = views;
        this.perIdentity = perIdentity;
        this.refreshPerStep = refreshPerStep;
        this.seed = seed;
        this.pixels = new byte[identities.size() * perIdentity][];
        this.generation = new int[pixels.length];
        for (int slot = 0; slot < pixels.length; slot++) {
            render(slot);
        }
    }

    public List<Identity> identities() {
        return identities;
    }

    public int viewsPerIdentity() {
        return perIdentity;
    }

    public int imageSize() {
        return views.size();
    }

    /** View {@code view} of identity {@code identity}. */
    public RgbImage image(int identity, int view) {
        return new RgbImage(views.size(), views.size(), pixels[identity * perIdentity + view]);
    }

    /** Re-renders the slots step {@code step} refreshes (call once after each step). */
    public void refresh(int step) {
        for (int slot : slotsRefreshedAt(step)) {
            generation[slot]++;
            render(slot);
        }
    }

    /**
     * Brings a fresh pool (generation 0, as constructed) to the state after {@code steps} calls of {@link #refresh}
     * (steps 0 … steps-1), rendering each changed slot once.
     */
    public void advanceTo(int steps) {
        boolean[] changed = new boolean[pixels.length];
        for (int s = 0; s < steps; s++) {
            for (int slot : slotsRefreshedAt(s)) {
                generation[slot]++;
                changed[slot] = true;
            }
        }
        for (int slot = 0; slot < pixels.length; slot++) {
            if (changed[slot]) {
                render(slot);
            }
        }
    }

    /** Normalised pixel values of the given views, {@code [n, 3, size, size]} flattened. */
    public float[] pixelValues(int[] identity, int[] view, ImageProcessor processor) {
        int per = 3 * views.size() * views.size();
        float[] out = new float[identity.length * per];
        for (int i = 0; i < identity.length; i++) {
            System.arraycopy(processor.pixelValues(image(identity[i], view[i])), 0, out, i * per, per);
        }
        return out;
    }

    private int[] slotsRefreshedAt(int step) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, REFRESH_STREAM, step));
        int[] slots = new int[refreshPerStep];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = rng.nextInt(pixels.length);
        }
        return slots;
    }

    private void render(int slot) {
        int identity = slot / perIdentity;
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, identity, slot % perIdentity, generation[slot]));
        pixels[slot] = views.render(identities.get(identity), rng).rgb();
    }
}
