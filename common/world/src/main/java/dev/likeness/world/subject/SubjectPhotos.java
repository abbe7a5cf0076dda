package dev.likeness.world.subject;

import dev.likeness.world.dataset.Seeds;
import dev.likeness.world.render.Placement;
import dev.likeness.world.render.SceneLayout;
import dev.likeness.world.render.SceneRenderer;
import dev.likeness.world.scene.Background;
import dev.likeness.world.scene.Horizontal;
import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.scene.SceneAttributes;
import dev.likeness.world.scene.Size;
import dev.likeness.world.scene.Vertical;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic photos of a subject, varied the way a user's phone photos would be: close-ups, each on a different
 * background, a little off centre, turned and mirrored differently. Their captions place the subject in the center.
 */
public final class SubjectPhotos {

    /** Photos per subject in the bundled sets (DreamBooth works from 3–5). */
    public static final int COUNT = 5;
    private static final long SEED = 0x5B1EC7L;
    /** Half the subject's extent, fraction of the side: about 3.5× the area of a large object in a base scene. */
    static final double MIN_RADIUS = 0.37;
    static final double MAX_RADIUS = 0.42;
    /** Largest offset of the subject's centre from the image centre, fraction of the side. */
    static final double CENTRE_JITTER = 0.04;

    private SubjectPhotos() {
    }

    /** The {@link #COUNT} photos of {@code subject} at {@code size}×{@code size}. */
    public static List<SubjectPhoto> generate(Subject subject, int size) {
        return generate(subject, size, COUNT);
    }

    /** {@code count} photos (at most one per background). */
    public static List<SubjectPhoto> generate(Subject subject, int size, int count) {
        if (count < 1 || count > Background.values().length) {
            throw new IllegalArgumentException("photo count must be in [1, " + Background.values().length
                    + "] but is " + count);
        }
        SceneRenderer renderer = new SceneRenderer(size);
        Background[] backgrounds = shuffledBackgrounds(subject);
        List<SubjectPhoto> photos = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            photos.add(photo(subject, i, backgrounds[i], renderer));
        }
        return photos;
    }

    private static SubjectPhoto photo(Subject subject, int index, Background background, SceneRenderer renderer) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(SEED, subject.ordinal(), index));
        ObjectAttributes object = subject.at(Size.LARGE, Horizontal.CENTER, Vertical.MIDDLE);
        // Close-ups: the subject fills most of the frame, as in the photo sets DreamBooth was made for. With the
        // scene sampler's large size (radius 0.19-0.23) the background dominates a squared-error loss and tuning
        // learns the backgrounds instead of the subject (docs/world.md, "Close-ups confirm it").
        double x = 0.5 + rng.nextDouble(-CENTRE_JITTER, CENTRE_JITTER);
        double y = 0.5 + rng.nextDouble(-CENTRE_JITTER, CENTRE_JITTER);
        double radius = rng.nextDouble(MIN_RADIUS, MAX_RADIUS);
        // Poses differ by photo: a turn of up to ±20° and every other photo mirrored.
        Placement posed = new Placement(x, y, radius, rng.nextDouble(-0.35, 0.35), index % 2 == 1);
        SceneAttributes scene = new SceneAttributes(background, object, null);
        SceneLayout layout = new SceneLayout(posed, null, rng.nextLong());
        return new SubjectPhoto(subject, index, renderer.render(scene, layout), scene, layout);
    }

    /** The backgrounds in a per-subject order, so every photo of a subject has its own background. */
    private static Background[] shuffledBackgrounds(Subject subject) {
        Background[] b = Background.values().clone();
        SplittableRandom rng = new SplittableRandom(Seeds.mix(SEED, subject.ordinal(), -1));
        for (int i = b.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            Background t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
        return Arrays.copyOf(b, b.length);
    }
}
