package dev.likeness.world.scene;

/** Horizontal third of the image an object's centre lies in. */
public enum Horizontal {
    LEFT("left", 0.27),
    CENTER("center", 0.5),
    RIGHT("right", 0.73);

    private final String word;
    private final double x;

    Horizontal(String word, double x) {
        this.word = word;
        this.x = x;
    }

    public String word() {
        return word;
    }

    /** Nominal centre, as a fraction of the image width. */
    public double x() {
        return x;
    }

    /** The other side ({@code CENTER} has none). */
    public Horizontal opposite() {
        return switch (this) {
            case LEFT -> RIGHT;
            case RIGHT -> LEFT;
            case CENTER -> throw new IllegalStateException("the center has no opposite side");
        };
    }
}
