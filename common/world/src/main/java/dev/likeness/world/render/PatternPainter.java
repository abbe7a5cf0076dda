package dev.likeness.world.render;

import dev.likeness.world.scene.Colour;
import dev.likeness.world.scene.Pattern;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;

/**
 * Paints a pattern over a box in the current user space; the caller has clipped to the object's silhouette and
 * filled it with the body colour. {@code cell} is the pattern's period in the same units.
 */
final class PatternPainter {

    private static final int[] RAINBOW = {0xE53935, 0xFB8C00, 0xFDD835, 0x43A047, 0x1E88E5, 0x8E24AA};

    private PatternPainter() {
    }

    static void paint(Graphics2D g, Pattern pattern, Colour body, Rectangle2D box, double cell) {
        switch (pattern) {
            case PLAIN -> {
            }
            case STRIPED -> stripes(g, Ink.contrast(body), box, cell);
            case DOTTED -> dots(g, Ink.contrast(body), box, cell);
            case CHECKERED -> checks(g, Ink.contrast(body), box, cell);
            case SPIRAL -> spiral(g, box);
            case FACE -> face(g, box);
            case HALVES -> halves(g, box);
            case RAINBOW -> rainbow(g, box);
        }
    }

    private static void stripes(Graphics2D g, Color ink, Rectangle2D box, double cell) {
        g.setColor(ink);
        for (double y = box.getMinY() + cell / 4; y < box.getMaxY(); y += cell) {
            g.fill(new Rectangle2D.Double(box.getMinX(), y, box.getWidth(), cell / 2));
        }
    }

    private static void dots(Graphics2D g, Color ink, Rectangle2D box, double cell) {
        g.setColor(ink);
        double r = cell * 0.26;
        int row = 0;
        for (double y = box.getMinY() + cell / 2; y < box.getMaxY() + r; y += cell, row++) {
            double offset = (row % 2 == 0) ? cell / 2 : 0;
            for (double x = box.getMinX() + offset; x < box.getMaxX() + r; x += cell) {
                g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
            }
        }
    }

    private static void checks(Graphics2D g, Color ink, Rectangle2D box, double cell) {
        g.setColor(ink);
        int i = 0;
        for (double y = box.getMinY(); y < box.getMaxY(); y += cell, i++) {
            int j = 0;
            for (double x = box.getMinX(); x < box.getMaxX(); x += cell, j++) {
                if ((i + j) % 2 == 0) {
                    g.fill(new Rectangle2D.Double(x, y, cell, cell));
                }
            }
        }
    }

    /** A coral Archimedean spiral of three turns from the centre (on the teal body). */
    private static void spiral(Graphics2D g, Rectangle2D box) {
        double cx = box.getCenterX();
        double cy = box.getCenterY();
        double rMax = Math.min(box.getWidth(), box.getHeight()) * 0.55;
        double turns = 3;
        Path2D.Double path = new Path2D.Double();
        int steps = 240;
        for (int i = 0; i <= steps; i++) {
            double t = (double) i / steps;
            double theta = t * turns * 2 * Math.PI;
            double r = t * rMax;
            double x = cx + r * Math.cos(theta);
            double y = cy + r * Math.sin(theta);
            if (i == 0) {
                path.moveTo(x, y);
            } else {
                path.lineTo(x, y);
            }
        }
        g.setColor(Ink.of(Colour.CORAL));
        g.setStroke(new BasicStroke((float) (rMax / turns * 0.5), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(path);
    }

    /** Two eyes, a smile and pink cheeks, centred in the box. */
    private static void face(Graphics2D g, Rectangle2D box) {
        double s = Math.min(box.getWidth(), box.getHeight()) / 2;
        double cx = box.getCenterX();
        double cy = box.getCenterY() + 0.08 * s;
        g.setColor(Ink.of(0xF06292, 200));
        for (int side = -1; side <= 1; side += 2) {
            g.fill(new Ellipse2D.Double(cx + side * 0.36 * s - 0.1 * s, cy + 0.04 * s, 0.2 * s, 0.13 * s));
        }
        g.setColor(new Color(0x202020));
        for (int side = -1; side <= 1; side += 2) {
            g.fill(new Ellipse2D.Double(cx + side * 0.19 * s - 0.06 * s, cy - 0.3 * s, 0.12 * s, 0.19 * s));
        }
        g.setStroke(new BasicStroke((float) (0.07 * s), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(new Arc2D.Double(cx - 0.22 * s, cy - 0.2 * s, 0.44 * s, 0.4 * s, 200, 140, Arc2D.OPEN));
    }

    /** Navy lower half under a white equator line. */
    private static void halves(Graphics2D g, Rectangle2D box) {
        double cy = box.getCenterY();
        double band = box.getHeight() * 0.045;
        g.setColor(Ink.NAVY);
        g.fill(new Rectangle2D.Double(box.getMinX(), cy, box.getWidth(), box.getMaxY() - cy));
        g.setColor(new Color(0xFAFAFA));
        g.fill(new Rectangle2D.Double(box.getMinX(), cy - band, box.getWidth(), 2 * band));
    }

    /** Six horizontal bands, red at the top to purple at the bottom. */
    private static void rainbow(Graphics2D g, Rectangle2D box) {
        double h = box.getHeight() / RAINBOW.length;
        for (int i = 0; i < RAINBOW.length; i++) {
            g.setColor(new Color(RAINBOW[i]));
            g.fill(new Rectangle2D.Double(box.getMinX(), box.getMinY() + i * h, box.getWidth(), h + 1e-3));
        }
    }
}
