package dev.likeness.worldmodels.base;

import dev.likeness.world.scene.Captions;
import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.scene.SceneAttributes;

import java.util.SplittableRandom;

/**
 * The caption a training image is shown with: the full world caption, an empty caption (for classifier-free
 * guidance), or a shortened one so that short prompts work at inference. Personalization prompts are short ("a photo
 * of sks vase", "a sks vase on snow, at the top left", class prompts "a photo of a vase"), while every world caption
 * names size, colour, background and position; a text encoder that only ever saw full captions would map short
 * prompts somewhere it was never trained.
 *
 * <p>A shortened caption keeps the class noun and drops each other phrase independently: size, colour, pattern,
 * background, position and the second object, optionally prefixed with "a photo of". Every phrase it keeps is true of
 * the image, so a short caption is a less specific description, never a wrong one. Deterministic: the same
 * generator state gives the same caption.
 *
 * @param emptyProbability probability of the empty caption
 * @param fullProbability  probability of the full world caption (of the non-empty ones)
 */
public record CaptionAugmentation(double emptyProbability, double fullProbability) {

    /** Probabilities of keeping each optional phrase in a shortened caption. */
    private static final double KEEP_SIZE = 0.4;
    private static final double KEEP_COLOUR = 0.75;
    private static final double KEEP_PATTERN = 0.6;
    private static final double KEEP_BACKGROUND = 0.6;
    private static final double KEEP_POSITION = 0.5;
    private static final double KEEP_SECOND = 0.4;
    private static final double PHOTO_PREFIX = 0.25;

    public CaptionAugmentation {
        if (emptyProbability < 0 || emptyProbability > 1 || fullProbability < 0 || fullProbability > 1) {
            throw new IllegalArgumentException("caption probabilities must be in [0, 1], got empty "
                    + emptyProbability + " and full " + fullProbability);
        }
    }

    /** 10 % empty captions, 40 % of the rest full. */
    public static CaptionAugmentation defaults() {
        return new CaptionAugmentation(0.1, 0.4);
    }

    /** The caption for {@code scene}, drawing from {@code random}. */
    public String caption(SceneAttributes scene, SplittableRandom random) {
        // always draw the same number of values, so one caption's choices never shift the next caption's stream
        double empty = random.nextDouble();
        double full = random.nextDouble();
        double[] keep = new double[7];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = random.nextDouble();
        }
        if (empty < emptyProbability) {
            return "";
        }
        if (full < fullProbability) {
            return Captions.caption(scene);
        }
        ObjectAttributes p = scene.primary();
        StringBuilder look = new StringBuilder();
        if (keep[0] < KEEP_SIZE) {
            look.append(p.size().word()).append(' ');
        }
        look.append(look(p, keep[1] < KEEP_COLOUR, keep[2] < KEEP_PATTERN));
        StringBuilder sb = new StringBuilder();
        if (keep[6] < PHOTO_PREFIX) {
            sb.append("a photo of ");
        }
        sb.append(article(look)).append(' ').append(look);
        if (keep[3] < KEEP_BACKGROUND) {
            sb.append(' ').append(scene.background().phrase());
        }
        if (keep[4] < KEEP_POSITION) {
            sb.append(", ").append(Captions.position(p));
        }
        if (keep[5] < KEEP_SECOND && scene.secondObject().isPresent()) {
            String second = look(scene.secondObject().get(), true, true);
            sb.append(", next to ").append(article(second)).append(' ').append(second);
        }
        return sb.toString();
    }

    private static String look(ObjectAttributes o, boolean colour, boolean pattern) {
        StringBuilder sb = new StringBuilder();
        if (colour) {
            sb.append(o.colour().word()).append(' ');
        }
        String adjective = o.pattern().adjective();
        if (pattern && adjective != null) {
            sb.append(adjective).append(' ');
        }
        return sb.append(o.objectClass().noun()).toString();
    }

    private static String article(CharSequence nextWord) {
        return "aeiou".indexOf(nextWord.charAt(0)) >= 0 ? "an" : "a";
    }
}
