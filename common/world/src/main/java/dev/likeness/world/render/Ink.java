package dev.likeness.world.render;

import dev.likeness.world.scene.Colour;

import java.awt.Color;

/** Colour arithmetic shared by the painters. */
final class Ink {

    static final Color NAVY = new Color(0x1B2A6B);

    private Ink() {
    }

    static Color of(Colour c) {
        return new Color(c.rgb());
    }

    static Color of(int rgb, int alpha) {
        return new Color(rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF, alpha);
    }

    /** The pattern's second colour: near-black on light colours, near-white on dark ones. */
    static Color contrast(Colour c) {
        return c.luminance() > 0.6 ? new Color(0x262626) : new Color(0xF5F5F5);
    }

    /** {@code c} scaled toward black by {@code factor} (0 = black, 1 = unchanged). */
    static Color darker(Color c, double factor) {
        return new Color((int) Math.round(c.getRed() * factor), (int) Math.round(c.getGreen() * factor),
                (int) Math.round(c.getBlue() * factor));
    }
}
