package dev.likeness.world.render;

/**
 * Where and how one object is drawn, in fractions of the image side (0 = left/top edge, 1 = right/bottom edge).
 *
 * @param x        centre, fraction of the width
 * @param y        centre, fraction of the height
 * @param radius   half the object's extent, fraction of the side
 * @param rotation clockwise rotation in radians
 * @param mirrored drawn mirrored left-right (before rotation)
 */
public record Placement(double x, double y, double radius, double rotation, boolean mirrored) {

    public Placement {
        if (!(radius > 0 && radius < 0.5)) {
            throw new IllegalArgumentException("radius must be in (0, 0.5) of the image side but is " + radius);
        }
        if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(rotation)) {
            throw new IllegalArgumentException("placement must be finite: " + x + ", " + y + ", " + rotation);
        }
    }
}
