package dev.likeness.world.subject;

import dev.likeness.world.dataset.Seeds;
import dev.likeness.world.render.Placement;
import dev.likeness.world.render.SceneLayout;
import dev.likeness.world.render.SceneRenderer;
import dev.likeness.world.scene.Background;
import dev.likeness.world.scene.Captions;
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
 * Deterministic photos of a subject, varied the way a user's phone photos would be: each on a different background,
 * turned and mirrored differently. Most are close-ups a little off centre; the rest show the subject smaller, at a
 * place in the frame ({@link #PLACES}). Each photo's caption names where the subject is.
 */
public final class SubjectPhotos {

    /** Photos per subject in the bundled sets (DreamBooth works from 3–5). */
    public static final int COUNT = 5;
    private static final long SEED = 0x5B1EC7L;
    /**
     * Half the subject's extent in a close-up, fraction of the side: about 3.5× the area of a large object in a base
     * scene.
     */
    static final double CLOSE_UP_RADIUS = 0.395;
    /** Half the subject's extent in a placed photo: still larger than a large object in a base scene (0.19–0.23). */
    static final double PLACED_RADIUS = 0.28;
    /** Largest random change of either radius, fraction of the side. */
    static final double RADIUS_JITTER = 0.02;
    /** How far a placed photo moves the subject's centre from the image centre, along each axis it is placed on. */
    static final double PLACED_OFFSET = 0.2;
    /** Largest random offset of the subject's centre from where it is put, fraction of the side. */
    static final double CENTRE_JITTER = 0.04;
    /**
     * Where photo {@code i} puts the subject: a close-up in the centre, or a placed photo. With close-ups only, tuning
     * learnt the subject as a centred close-up and drew it there whatever place the prompt named; with every photo
     * placed it kept the places but learnt the subject at fewer seeds. Two placed photos among three close-ups, each
     * with a caption that names its place, kept both (docs/world.md, "Close-ups and placed photos").
     */
    static final Place[] PLACES = {Place.CLOSE_UP, new Place(Horizontal.LEFT, Vertical.TOP), Place.CLOSE_UP,
            new Place(Horizontal.RIGHT, Vertical.TOP), Place.CLOSE_UP};

    /** The cell of the frame a photo puts the subject in; the centre cell is a close-up. */
    record Place(Horizontal horizontal, Vertical vertical) {

        static final Place CLOSE_UP = new Place(Horizontal.CENTER, Vertical.MIDDLE);

        boolean closeUp() {
            return equals(CLOSE_UP);
        }

        /** The subject's centre before jitter, fraction of the width: {@link #PLACED_OFFSET} off centre per side. */
        double x() {
            return 0.5 + switch (horizontal) {
                case LEFT -> -PLACED_OFFSET;
                case CENTER -> 0;
                case RIGHT -> PLACED_OFFSET;
            };
        }

        /** The subject's centre before jitter, fraction of the height (0 at the top). */
        double y() {
            return 0.5 + switch (vertical) {
                case TOP -> -PLACED_OFFSET;
                case MIDDLE -> 0;
                case BOTTOM -> PLACED_OFFSET;
            };
        }
    }

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

    /**
     * The captions of the {@link #COUNT} photos, in order ("a sks vase at night, at the top left"), without rendering
     * them: the same as {@link SubjectPhoto#caption} of {@link #generate}.
     */
    public static List<String> captions(Subject subject, String identifier) {
        Background[] backgrounds = shuffledBackgrounds(subject);
        List<String> captions = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            captions.add(Captions.subject(identifier, scene(subject, i, backgrounds[i])));
        }
        return captions;
    }

    private static SubjectPhoto photo(Subject subject, int index, Background background, SceneRenderer renderer) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(SEED, subject.ordinal(), index));
        Place place = place(index);
        // Mostly close-ups: the subject fills most of the frame, as in the photo sets DreamBooth was made for. With
        // the scene sampler's large size (radius 0.19-0.23) in every photo the background dominates a squared-error
        // loss and tuning learns the backgrounds instead of the subject (docs/world.md, "Close-ups confirm it").
        double x = place.x() + rng.nextDouble(-CENTRE_JITTER, CENTRE_JITTER);
        double y = place.y() + rng.nextDouble(-CENTRE_JITTER, CENTRE_JITTER);
        double radius = (place.closeUp() ? CLOSE_UP_RADIUS : PLACED_RADIUS)
                + rng.nextDouble(-RADIUS_JITTER, RADIUS_JITTER);
        // Poses differ by photo: a turn of up to ±20° and every other photo mirrored.
        Placement posed = new Placement(x, y, radius, rng.nextDouble(-0.35, 0.35), index % 2 == 1);
        SceneAttributes scene = scene(subject, index, background);
        SceneLayout layout = new SceneLayout(posed, null, rng.nextLong());
        return new SubjectPhoto(subject, index, renderer.render(scene, layout), scene, layout);
    }

    private static Place place(int index) {
        return PLACES[index % PLACES.length];
    }

    // what photo index shows, and so what its caption says: the subject, large, in its place's cell
    private static SceneAttributes scene(Subject subject, int index, Background background) {
        Place place = place(index);
        ObjectAttributes object = subject.at(Size.LARGE, place.horizontal(), place.vertical());
        return new SceneAttributes(background, object, null);
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
