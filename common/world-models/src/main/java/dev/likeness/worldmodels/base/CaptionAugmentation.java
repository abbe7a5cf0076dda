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
 * <p>With {@code nameProbability > 0}, a non-empty caption whose main object has a named look ({@link LookNames})
 * says the name instead of the colour and pattern words ("a small kitchen vase …") with that probability.
 *
 * @param emptyProbability probability of the empty caption
 * @param fullProbability  probability of the full world caption (of the non-empty ones)
 * @param nameProbability  probability of naming the main object's look (0: captions as the shipped world-sd saw them)
 */
public record CaptionAugmentation(double emptyProbability, double fullProbability, double nameProbability) {

    /** Probabilities of keeping each optional phrase in a shortened caption. */
    private static final double KEEP_SIZE = 0.4;
    private static final double KEEP_COLOUR = 0.75;
    private static final double KEEP_PATTERN = 0.6;
    private static final double KEEP_BACKGROUND = 0.6;
    private static final double KEEP_POSITION = 0.5;
    private static final double KEEP_SECOND = 0.4;
    private static final double PHOTO_PREFIX = 0.25;

    public CaptionAugmentation {
        if (emptyProbability < 0 || emptyProbability > 1 || fullProbability < 0 || fullProbability > 1
                || nameProbability < 0 || nameProbability > 1) {
            throw new IllegalArgumentException("caption probabilities must be in [0, 1], got empty "
                    + emptyProbability + ", full " + fullProbability + " and name " + nameProbability);
        }
    }

    /** Without names. */
    public CaptionAugmentation(double emptyProbability, double fullProbability) {
        this(emptyProbability, fullProbability, 0);
    }

    /** 10 % empty captions, 40 % of the rest full, no names. */
    public static CaptionAugmentation defaults() {
        return new CaptionAugmentation(0.1, 0.4);
    }

    /** The same with names for {@code probability} of the captions whose main object's look has one. */
    public CaptionAugmentation withNames(double probability) {
        return new CaptionAugmentation(emptyProbability, fullProbability, probability);
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
        // drawn only when names are on, so that captions without names stay those of the shipped run
        String name = nameProbability > 0 && random.nextDouble() < nameProbability
                ? LookNames.of(scene.primary()).orElse(null) : null;
        if (empty < emptyProbability) {
            return "";
        }
        ObjectAttributes p = scene.primary();
        if (full < fullProbability) {
            String caption = Captions.caption(scene);
            if (name == null) {
                return caption;
            }
            // a full caption opens with "a <size> <colour> [<pattern>] <class>"; sizes start with a consonant
            String opening = "a " + p.size().word() + " " + look(p, true, true);
            if (!caption.startsWith(opening)) {
                throw new IllegalStateException("caption '" + caption + "' does not open with '" + opening + "'");
            }
            return "a " + p.size().word() + " " + name + " " + p.objectClass().noun()
                    + caption.substring(opening.length());
        }
        StringBuilder look = new StringBuilder();
        if (keep[0] < KEEP_SIZE) {
            look.append(p.size().word()).append(' ');
        }
        look.append(name != null ? name + " " + p.objectClass().noun()
                : look(p, keep[1] < KEEP_COLOUR, keep[2] < KEEP_PATTERN));
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
