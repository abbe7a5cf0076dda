package dev.likeness.world.dataset;

import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.scene.SceneAttributes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Decides which compositions are held out: a composition (class, colour, pattern — {@link
 * ObjectAttributes#compositionKey()}) is held out when the SHA-256 of its key, read as a fraction in [0, 1), is
 * below {@code fraction}. A scene is held out when any of its objects is. The rule does not depend on the dataset
 * seed, so every seed agrees on the split; and since captions name every object's class, colour and pattern, no
 * held-out caption can occur in the training split.
 */
public final class HeldOutRule {

    private final double fraction;

    public HeldOutRule(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("held-out fraction must be in [0, 1) but is " + fraction);
        }
        this.fraction = fraction;
    }

    public double fraction() {
        return fraction;
    }

    public boolean heldOut(ObjectAttributes object) {
        return position(object.compositionKey()) < fraction;
    }

    /** {@link Split#HELD_OUT} when any object's composition is held out, else {@link Split#TRAIN}. */
    public Split splitOf(SceneAttributes scene) {
        boolean held = heldOut(scene.primary()) || scene.secondObject().map(this::heldOut).orElse(false);
        return held ? Split.HELD_OUT : Split.TRAIN;
    }

    /** The key's hash as a fraction in [0, 1). */
    static double position(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("likeness-world/" + key)
                    .getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 7; i++) {
                v = v << 8 | (d[i] & 0xFF);
            }
            return (double) v / (1L << 56);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
