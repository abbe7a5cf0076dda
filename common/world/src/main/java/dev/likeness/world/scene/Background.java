package dev.likeness.world.scene;

/** Backgrounds (scenes); {@link #phrase()} is how captions place the object in it. */
public enum Background {
    GRASS("grass", "on grass"),
    SKY("sky", "in the sky"),
    SAND("sand", "on sand"),
    WATER("water", "on water"),
    WALL("wall", "in front of a brick wall"),
    CHECKERED_FLOOR("checkered floor", "on a checkered floor"),
    NIGHT("night", "at night"),
    SNOW("snow", "on snow");

    private final String word;
    private final String phrase;

    Background(String word, String phrase) {
        this.word = word;
        this.phrase = phrase;
    }

    /** Short name ("checkered floor"). */
    public String word() {
        return word;
    }

    /** Caption phrase ("on a checkered floor"). */
    public String phrase() {
        return phrase;
    }

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
