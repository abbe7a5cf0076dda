package dev.likeness.world.scene;

/** Object size, written in every caption. */
public enum Size {
    SMALL("small"),
    LARGE("large");

    private final String word;

    Size(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }
}
