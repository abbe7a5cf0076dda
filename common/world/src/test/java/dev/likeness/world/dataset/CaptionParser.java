package dev.likeness.world.dataset;

import dev.likeness.world.scene.Accessory;
import dev.likeness.world.scene.Background;
import dev.likeness.world.scene.Colour;
import dev.likeness.world.scene.Horizontal;
import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.scene.ObjectClass;
import dev.likeness.world.scene.Pattern;
import dev.likeness.world.scene.SceneAttributes;
import dev.likeness.world.scene.Size;
import dev.likeness.world.scene.Vertical;

import java.util.regex.Matcher;

/** Reads a caption back into attributes, written independently of Captions from the grammar in docs/world.md. */
final class CaptionParser {

    private static final java.util.regex.Pattern CAPTION = java.util.regex.Pattern.compile(
            "a (small|large) (\\w+)(?: (striped|dotted|checkered))? (\\w+) (.+?), "
                    + "(in the center|on the left|on the right|at the (top|bottom)(?: (left|right))?)"
                    + "(?:, next to an? (\\w+)(?: (striped|dotted|checkered))? (\\w+))?");

    private CaptionParser() {
    }

    static SceneAttributes parse(String caption) {
        Matcher m = CAPTION.matcher(caption);
        if (!m.matches()) {
            throw new IllegalArgumentException("caption does not follow the grammar: " + caption);
        }
        Background background = null;
        for (Background b : Background.values()) {
            if (b.phrase().equals(m.group(5))) {
                background = b;
            }
        }
        if (background == null) {
            throw new IllegalArgumentException("unknown background phrase '" + m.group(5) + "'");
        }
        Horizontal h;
        Vertical v;
        String where = m.group(6);
        if (where.equals("in the center")) {
            h = Horizontal.CENTER;
            v = Vertical.MIDDLE;
        } else if (where.startsWith("on the ")) {
            h = where.endsWith("left") ? Horizontal.LEFT : Horizontal.RIGHT;
            v = Vertical.MIDDLE;
        } else {
            v = m.group(7).equals("top") ? Vertical.TOP : Vertical.BOTTOM;
            h = m.group(8) == null ? Horizontal.CENTER : m.group(8).equals("left") ? Horizontal.LEFT
                    : Horizontal.RIGHT;
        }
        ObjectAttributes primary = new ObjectAttributes(ObjectClass.ofNoun(m.group(4)), Colour.ofWord(m.group(2)),
                pattern(m.group(3)), m.group(1).equals("small") ? Size.SMALL : Size.LARGE, h, v, Accessory.NONE);
        ObjectAttributes second = null;
        if (m.group(9) != null) {
            second = new ObjectAttributes(ObjectClass.ofNoun(m.group(11)), Colour.ofWord(m.group(9)),
                    pattern(m.group(10)), Size.SMALL, h.opposite(), v, Accessory.NONE);
        }
        return new SceneAttributes(background, primary, second);
    }

    private static Pattern pattern(String adjective) {
        return adjective == null ? Pattern.PLAIN : Pattern.valueOf(adjective.toUpperCase(java.util.Locale.ROOT));
    }
}
