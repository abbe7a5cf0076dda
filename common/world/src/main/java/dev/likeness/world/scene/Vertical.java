package dev.likeness.world.scene;

/** Vertical third of the image an object's centre lies in. */
public enum Vertical {
    TOP("top", 0.3),
    MIDDLE("middle", 0.5),
    BOTTOM("bottom", 0.7);

    private final String word;
    private final double y;

    Vertical(String word, double y) {
        this.word = word;
        this.y = y;
    }

    public String word() {
        return word;
    }

    /** Nominal centre, as a fraction of the image height (0 at the top). */
    public double y() {
        return y;
    }
}
