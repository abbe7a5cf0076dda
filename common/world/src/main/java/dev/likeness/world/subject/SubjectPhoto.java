package dev.likeness.world.subject;

import dev.likeness.world.image.RgbImage;
import dev.likeness.world.render.SceneLayout;
import dev.likeness.world.scene.Captions;
import dev.likeness.world.scene.SceneAttributes;

/**
 * One "photo" of a subject.
 *
 * @param index 0-based photo number
 * @param image RGB {@code [size, size, 3]}
 */
public record SubjectPhoto(Subject subject, int index, RgbImage image, SceneAttributes attributes,
                           SceneLayout layout) {

    /** "a sks vase on grass, on the left"; with a blank identifier the class caption "a vase on grass, …". */
    public String caption(String identifier) {
        return Captions.subject(identifier, attributes);
    }
}
