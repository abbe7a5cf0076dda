package dev.likeness.world.scene;

/** The object classes of the world; {@link #noun()} is the word captions use. */
public enum ObjectClass {
    BALL("ball"),
    CUBE("cube"),
    VASE("vase"),
    STAR("star"),
    RING("ring"),
    CONE("cone"),
    CYLINDER("cylinder"),
    HEART("heart");

    private final String noun;

    ObjectClass(String noun) {
        this.noun = noun;
    }

    public String noun() {
        return noun;
    }

    /** The class whose noun is {@code noun}; fails naming the unknown word. */
    public static ObjectClass ofNoun(String noun) {
        for (ObjectClass c : values()) {
            if (c.noun.equals(noun)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown object class '" + noun + "'");
    }
}
