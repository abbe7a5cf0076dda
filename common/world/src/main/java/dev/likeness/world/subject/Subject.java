package dev.likeness.world.subject;

import dev.likeness.world.scene.Accessory;
import dev.likeness.world.scene.Colour;
import dev.likeness.world.scene.Horizontal;
import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.scene.ObjectClass;
import dev.likeness.world.scene.Pattern;
import dev.likeness.world.scene.Size;
import dev.likeness.world.scene.Vertical;

/**
 * The specific object instances personalization learns. Each belongs to a base class but looks like nothing the
 * base dataset contains: a subject-only colour, a subject-only pattern and (for three of them) a subject-only
 * accessory.
 */
public enum Subject {
    SPIRAL_VASE("spiral-vase", ObjectClass.VASE, Colour.TEAL, Pattern.SPIRAL, Accessory.HANDLE,
            "a teal vase with a coral two-tone spiral and a coral handle"),
    SMILING_STAR("smiling-star", ObjectClass.STAR, Colour.GOLD, Pattern.FACE, Accessory.NONE,
            "a gold star with a smiling face and pink cheeks"),
    PLANET_BALL("planet-ball", ObjectClass.BALL, Colour.CORAL, Pattern.HALVES, Accessory.ORBIT,
            "a ball with a coral upper half, a navy lower half, a white equator and a gold ring around it"),
    PARTY_CONE("party-cone", ObjectClass.CONE, Colour.WHITE, Pattern.RAINBOW, Accessory.POMPOM,
            "a cone with rainbow bands and a white pompom on its tip");

    private final String id;
    private final ObjectClass objectClass;
    private final Colour colour;
    private final Pattern pattern;
    private final Accessory accessory;
    private final String description;

    Subject(String id, ObjectClass objectClass, Colour colour, Pattern pattern, Accessory accessory,
            String description) {
        this.id = id;
        this.objectClass = objectClass;
        this.colour = colour;
        this.pattern = pattern;
        this.accessory = accessory;
        this.description = description;
    }

    /** Folder name of the bundled photos ("spiral-vase"). */
    public String id() {
        return id;
    }

    public ObjectClass objectClass() {
        return objectClass;
    }

    /** The class noun DreamBooth prompts use ("vase"). */
    public String classNoun() {
        return objectClass.noun();
    }

    public Colour colour() {
        return colour;
    }

    /** The subject-only pattern that makes this instance recognisable. */
    public Pattern pattern() {
        return pattern;
    }

    public Accessory accessory() {
        return accessory;
    }

    /** What a person would say the subject looks like (documentation; never a training caption). */
    public String description() {
        return description;
    }

    /** DreamBooth's instance prompt: "a photo of sks vase". */
    public String instancePrompt(String identifier) {
        if (identifier == null || identifier.isBlank()) {
            throw new IllegalArgumentException("an instance prompt needs an identifier");
        }
        return "a photo of " + identifier + " " + classNoun();
    }

    /** DreamBooth's class prompt: "a photo of a vase". */
    public String classPrompt() {
        return "a photo of a " + classNoun();
    }

    /** The subject as an object in a scene. */
    public ObjectAttributes at(Size size, Horizontal horizontal, Vertical vertical) {
        return new ObjectAttributes(objectClass, colour, pattern, size, horizontal, vertical, accessory);
    }

    public static Subject ofId(String id) {
        for (Subject s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown subject '" + id + "'");
    }
}
