package dev.likeness.worldmodels.clip;

import dev.likeness.world.scene.Captions;
import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.scene.SceneAttributes;

import java.util.SplittableRandom;

/**
 * The texts a training image is paired with: its full world caption most of the time, otherwise a shorter phrase
 * about its main object ("a red ball", "a photo of a striped vase", "a green object"). The short forms teach the text
 * tower the zero-shot prompts; the loss treats equal texts in a batch as shared positives.
 */
public final class CaptionVariants {

    private static final String[] TEMPLATES = {"a photo of a %s", "a rendering of a %s", "a picture of a %s",
        "the %s"};

    private CaptionVariants() {
    }

    /** One text for {@code scene}, drawn with {@code rnd}. */
    public static String draw(SceneAttributes scene, SplittableRandom rnd) {
        ObjectAttributes p = scene.primary();
        String cls = p.objectClass().noun();
        String colour = p.colour().word();
        String pattern = p.pattern().adjective();
        String look = colour + (pattern == null ? "" : " " + pattern) + " " + cls;
        double u = rnd.nextDouble();
        // the class needs the most help: colour and background are learnt from full captions alone, the shape is not
        if (u < 0.30) {
            return Captions.caption(scene);
        }
        if (u < 0.45) {
            return "a " + colour + " " + cls;
        }
        if (u < 0.60) {
            return rnd.nextBoolean() ? "a " + cls : "a photo of a " + cls;
        }
        if (u < 0.70) {
            return "a " + look;
        }
        if (u < 0.80) {
            return String.format(TEMPLATES[rnd.nextInt(TEMPLATES.length)], rnd.nextBoolean() ? look : colour + " "
                    + cls);
        }
        if (u < 0.85) {
            return "a " + colour + " object";
        }
        if (u < 0.90) {
            return pattern == null ? "a plain " + cls : "a " + pattern + " " + cls;
        }
        return "a " + look + " " + scene.background().phrase();
    }
}
