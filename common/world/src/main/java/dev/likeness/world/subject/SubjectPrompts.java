package dev.likeness.world.subject;

import dev.likeness.world.scene.Background;
import dev.likeness.world.scene.Captions;
import dev.likeness.world.scene.Horizontal;
import dev.likeness.world.scene.SceneAttributes;
import dev.likeness.world.scene.Size;
import dev.likeness.world.scene.Vertical;

import java.util.ArrayList;
import java.util.List;

/**
 * Evaluation prompts in the world's own grammar (the world text encoder knows no jungles or Eiffel towers): the
 * subject on each background, in turn at each of the nine positions, alternating large and small. The
 * DreamBooth-protocol analogue of "a sks dog in the snow".
 */
public final class SubjectPrompts {

    private SubjectPrompts() {
    }

    /**
     * One prompt per background, {@code perBackground} positions each: "a sks vase on snow, at the top left".
     * With a blank identifier these are the matching class prompts (for PRES and CLIP-T).
     */
    public static List<String> recontextualisations(Subject subject, String identifier, int perBackground) {
        if (perBackground < 1 || perBackground > 9) {
            throw new IllegalArgumentException("perBackground must be in [1, 9] but is " + perBackground);
        }
        List<String> prompts = new ArrayList<>();
        int k = 0;
        for (Background b : Background.values()) {
            for (int j = 0; j < perBackground; j++, k++) {
                int spot = k % 9;
                Horizontal h = Horizontal.values()[spot % 3];
                Vertical v = Vertical.values()[spot / 3];
                Size size = k % 2 == 0 ? Size.LARGE : Size.SMALL;
                SceneAttributes scene = new SceneAttributes(b, subject.at(size, h, v), null);
                prompts.add(Captions.subject(identifier, scene));
            }
        }
        return prompts;
    }
}
