package dev.likeness.worldmodels.dino;

import dev.likeness.world.dataset.HeldOutRule;
import dev.likeness.world.scene.Accessory;
import dev.likeness.world.scene.Colour;
import dev.likeness.world.scene.Horizontal;
import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.scene.ObjectClass;
import dev.likeness.world.scene.Pattern;
import dev.likeness.world.scene.Size;
import dev.likeness.world.scene.Vertical;

import java.util.ArrayList;
import java.util.List;

/**
 * What the DINO-style encoder must recognise across scenes: the look of the main object (class, colour, pattern).
 * Size, position, pose, background and a second object are nuisances it must ignore.
 */
public record Identity(ObjectClass objectClass, Colour colour, Pattern pattern) {

    /** The base compositions of the training split (held-out compositions and subject-only looks excluded). */
    public static List<Identity> training(HeldOutRule rule) {
        List<Identity> out = new ArrayList<>();
        for (ObjectClass c : ObjectClass.values()) {
            for (Colour col : Colour.base()) {
                for (Pattern p : Pattern.base()) {
                    Identity id = new Identity(c, col, p);
                    if (!rule.heldOut(id.at(Size.LARGE, Horizontal.CENTER, Vertical.MIDDLE))) {
                        out.add(id);
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** This look at a size and position, without accessory. */
    public ObjectAttributes at(Size size, Horizontal horizontal, Vertical vertical) {
        return new ObjectAttributes(objectClass, colour, pattern, size, horizontal, vertical, Accessory.NONE);
    }
}
