package dev.likeness.world.scene;

/**
 * The world's caption grammar, in plain English:
 *
 * <pre>
 * caption  := object " " background-phrase ", " position [ ", next to " second ]
 * object   := "a " size " " colour [ " " pattern ] " " class
 * second   := article " " colour [ " " pattern ] " " class      (always small, on the other side)
 * position := "in the center" | "on the left" | "on the right" | "at the top" | "at the bottom"
 *           | "at the top left" | "at the top right" | "at the bottom left" | "at the bottom right"
 * </pre>
 *
 * e.g. "a small red striped vase on grass, on the left, next to an orange cube". Plain objects have no pattern
 * word. Different attributes always give different captions.
 */
public final class Captions {

    private Captions() {
    }

    /** The caption of a base scene; subject scenes are captioned by {@link #subject}. */
    public static String caption(SceneAttributes scene) {
        if (scene.hasSubjectFeature()) {
            throw new IllegalArgumentException("scene has subject-only features; caption it with Captions.subject");
        }
        ObjectAttributes p = scene.primary();
        StringBuilder sb = new StringBuilder("a ").append(p.size().word()).append(' ').append(look(p));
        sb.append(' ').append(scene.background().phrase()).append(", ").append(position(p));
        scene.secondObject().ifPresent(s -> {
            String look = look(s);
            sb.append(", next to ").append(article(look)).append(' ').append(look);
        });
        return sb.toString();
    }

    /**
     * A subject photo's caption: the subject is named by {@code identifier} (DreamBooth's rare token) and its class
     * noun, never by its look: "a sks vase on grass, on the left". With a blank identifier this is the class prompt.
     */
    public static String subject(String identifier, SceneAttributes scene) {
        ObjectAttributes p = scene.primary();
        String name = identifier == null || identifier.isBlank()
                ? p.objectClass().noun() : identifier + " " + p.objectClass().noun();
        return "a " + name + " " + scene.background().phrase() + ", " + position(p);
    }

    /**
     * A caption without its position clause and what follows it: "a sks vase on grass" for "a sks vase on grass, on
     * the left" (in the grammar the position is the first clause after a comma); a text without a comma is returned
     * as it is.
     */
    public static String withoutPosition(String caption) {
        int comma = caption.indexOf(',');
        return comma < 0 ? caption : caption.substring(0, comma);
    }

    /** "in the center", "on the left", "at the top right", … */
    public static String position(ObjectAttributes o) {
        Horizontal h = o.horizontal();
        Vertical v = o.vertical();
        if (v == Vertical.MIDDLE) {
            return h == Horizontal.CENTER ? "in the center" : "on the " + h.word();
        }
        return h == Horizontal.CENTER ? "at the " + v.word() : "at the " + v.word() + " " + h.word();
    }

    private static String look(ObjectAttributes o) {
        String pattern = o.pattern().adjective();
        return o.colour().word() + (pattern == null ? "" : " " + pattern) + " " + o.objectClass().noun();
    }

    private static String article(String nextWord) {
        return "aeiou".indexOf(nextWord.charAt(0)) >= 0 ? "an" : "a";
    }
}
