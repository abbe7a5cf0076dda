package dev.likeness.world.scene;

import java.util.Arrays;
import java.util.List;

/**
 * Named colours. Base colours appear in the dataset and its captions; subject-only colours belong to the subjects'
 * distinctive looks and never appear in a base sample.
 */
public enum Colour {
    RED("red", 0xD62828, false),
    ORANGE("orange", 0xF77F00, false),
    YELLOW("yellow", 0xF6D32D, false),
    GREEN("green", 0x2E9F3E, false),
    BLUE("blue", 0x1F5FD1, false),
    PURPLE("purple", 0x7B2CBF, false),
    PINK("pink", 0xF48FB1, false),
    WHITE("white", 0xF2F2F2, false),
    BLACK("black", 0x1E1E1E, false),
    BROWN("brown", 0x7B4A24, false),
    GRAY("gray", 0x8A8A8A, false),
    TEAL("teal", 0x0F8B8D, true),
    CORAL("coral", 0xFF6F61, true),
    GOLD("gold", 0xE0A526, true);

    private static final List<Colour> BASE = Arrays.stream(values()).filter(c -> !c.subjectOnly).toList();

    private final String word;
    private final int rgb;
    private final boolean subjectOnly;

    Colour(String word, int rgb, boolean subjectOnly) {
        this.word = word;
        this.rgb = rgb;
        this.subjectOnly = subjectOnly;
    }

    public String word() {
        return word;
    }

    /** {@code 0xRRGGBB}. */
    public int rgb() {
        return rgb;
    }

    public boolean subjectOnly() {
        return subjectOnly;
    }

    /** Relative luminance in [0, 1] (Rec. 709 weights on the sRGB values; good enough to pick a contrast ink). */
    public double luminance() {
        return (0.2126 * (rgb >> 16 & 0xFF) + 0.7152 * (rgb >> 8 & 0xFF) + 0.0722 * (rgb & 0xFF)) / 255.0;
    }

    /** The colours base samples draw from, in declaration order. */
    public static List<Colour> base() {
        return BASE;
    }

    public static Colour ofWord(String word) {
        for (Colour c : values()) {
            if (c.word.equals(word)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown colour '" + word + "'");
    }
}
