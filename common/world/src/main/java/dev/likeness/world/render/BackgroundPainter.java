package dev.likeness.world.render;

import dev.likeness.world.scene.Background;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.QuadCurve2D;
import java.awt.geom.Rectangle2D;
import java.util.SplittableRandom;

/** Paints a background over the unit square (user space [0, 1]², y down); texture details come from {@code rng}. */
final class BackgroundPainter {

    private static final Color DAY_SKY_TOP = new Color(0x6FB7F0);
    private static final Color DAY_SKY_LOW = new Color(0xCFE8FA);

    private BackgroundPainter() {
    }

    static void paint(Graphics2D g, Background background, SplittableRandom rng) {
        switch (background) {
            case GRASS -> grass(g, rng);
            case SKY -> sky(g, rng);
            case SAND -> sand(g, rng);
            case WATER -> water(g, rng);
            case WALL -> wall(g, rng);
            case CHECKERED_FLOOR -> checkeredFloor(g, rng);
            case NIGHT -> night(g, rng);
            case SNOW -> snow(g, rng);
        }
    }

    private static double horizon(SplittableRandom rng) {
        return 0.36 + rng.nextDouble(-0.05, 0.05);
    }

    private static void daySky(Graphics2D g, double bottom) {
        g.setPaint(new GradientPaint(0f, 0f, DAY_SKY_TOP, 0f, (float) bottom, DAY_SKY_LOW));
        g.fill(new Rectangle2D.Double(0, 0, 1, bottom));
    }

    private static void grass(Graphics2D g, SplittableRandom rng) {
        double h = horizon(rng);
        daySky(g, h);
        g.setPaint(new GradientPaint(0f, (float) h, new Color(0x7CC254), 0f, 1f, new Color(0x3E8E2F)));
        g.fill(new Rectangle2D.Double(0, h, 1, 1 - h));
        g.setStroke(new BasicStroke(0.008f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (int i = 0; i < 140; i++) {
            double x = rng.nextDouble();
            double y = h + 0.02 + rng.nextDouble() * (1 - h);
            double len = 0.02 + 0.04 * (y - h);
            g.setColor(rng.nextBoolean() ? new Color(0x2F6F22) : new Color(0x9AD66B));
            g.draw(new Line2D.Double(x, y, x + rng.nextDouble(-0.01, 0.01), y - len));
        }
    }

    private static void sky(Graphics2D g, SplittableRandom rng) {
        g.setPaint(new GradientPaint(0f, 0f, new Color(0x2F7FD8), 0f, 1f, new Color(0xBFE1FB)));
        g.fill(new Rectangle2D.Double(0, 0, 1, 1));
        int clouds = 2 + rng.nextInt(2);
        for (int c = 0; c < clouds; c++) {
            cloud(g, rng.nextDouble(0.05, 0.95), rng.nextDouble(0.1, 0.9), rng.nextDouble(0.07, 0.11));
        }
    }

    private static void cloud(Graphics2D g, double x, double y, double r) {
        Area a = new Area();
        double[][] puffs = {{-1.2, 0.2, 0.8}, {-0.4, -0.2, 1.0}, {0.5, -0.1, 0.9}, {1.2, 0.25, 0.7}};
        for (double[] p : puffs) {
            double pr = p[2] * r;
            a.add(new Area(new Ellipse2D.Double(x + p[0] * r - pr, y + p[1] * r - pr, 2 * pr, 2 * pr)));
        }
        a.intersect(new Area(new Rectangle2D.Double(x - 3 * r, y - 3 * r, 6 * r, 3.3 * r)));
        g.setColor(new Color(255, 255, 255, 235));
        g.fill(a);
    }

    private static void sand(Graphics2D g, SplittableRandom rng) {
        double h = horizon(rng);
        daySky(g, h);
        g.setPaint(new GradientPaint(0f, (float) h, new Color(0xF1DCA7), 0f, 1f, new Color(0xD9B875)));
        g.fill(new Rectangle2D.Double(0, h, 1, 1 - h));
        for (int i = 0; i < 160; i++) {
            double x = rng.nextDouble();
            double y = h + rng.nextDouble() * (1 - h);
            double r = 0.003 + 0.004 * rng.nextDouble();
            g.setColor(rng.nextBoolean() ? new Color(0xB8975A) : new Color(0xFFF1CC));
            g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
        }
    }

    private static void water(Graphics2D g, SplittableRandom rng) {
        double h = horizon(rng);
        daySky(g, h);
        g.setPaint(new GradientPaint(0f, (float) h, new Color(0x3FA7D6), 0f, 1f, new Color(0x145A8C)));
        g.fill(new Rectangle2D.Double(0, h, 1, 1 - h));
        g.setColor(new Color(255, 255, 255, 170));
        g.setStroke(new BasicStroke(0.01f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (int i = 0; i < 22; i++) {
            double x = rng.nextDouble(-0.05, 1.0);
            double y = h + 0.03 + rng.nextDouble() * (1 - h - 0.03);
            double w = 0.05 + 0.08 * (y - h);
            g.draw(new QuadCurve2D.Double(x, y, x + w / 2, y - 0.02, x + w, y));
        }
    }

    private static void wall(Graphics2D g, SplittableRandom rng) {
        g.setColor(new Color(0xCFC6B8)); // mortar
        g.fill(new Rectangle2D.Double(0, 0, 1, 1));
        double rowH = 0.1;
        double brickW = 0.2;
        double gap = 0.012;
        double shift = rng.nextDouble(0, brickW);
        int row = 0;
        for (double y = 0; y < 1; y += rowH, row++) {
            double off = shift + (row % 2 == 0 ? 0 : brickW / 2);
            for (double x = -brickW + off % brickW - brickW; x < 1; x += brickW) {
                int tone = rng.nextInt(-18, 19);
                g.setColor(new Color(clamp(0xA8 + tone), clamp(0x4A + tone / 2), clamp(0x32 + tone / 3)));
                g.fill(new Rectangle2D.Double(x + gap / 2, y + gap / 2, brickW - gap, rowH - gap));
            }
        }
    }

    /** A beige wall above a black-and-white floor in one-point perspective. */
    private static void checkeredFloor(Graphics2D g, SplittableRandom rng) {
        double h = horizon(rng) + 0.06;
        g.setPaint(new GradientPaint(0f, 0f, new Color(0xE9E1CF), 0f, (float) h, new Color(0xD2C6AC)));
        g.fill(new Rectangle2D.Double(0, 0, 1, h));
        g.setColor(new Color(0xF4F4F4));
        g.fill(new Rectangle2D.Double(0, h, 1, 1 - h));
        int rows = 6;
        int cols = 8;
        double vx = 0.5 + rng.nextDouble(-0.1, 0.1);
        g.setColor(new Color(0x2A2A2A));
        for (int i = 0; i < rows; i++) {
            // rows get taller toward the viewer: depth 1/(z) spacing
            double y0 = h + (1 - h) * row(i, rows);
            double y1 = h + (1 - h) * row(i + 1, rows);
            for (int j = -cols; j < 2 * cols; j++) {
                if (Math.floorMod(i + j, 2) != 0) {
                    continue;
                }
                Path2D.Double cell = new Path2D.Double();
                cell.moveTo(xAt(j, y0, h, vx, cols), y0);
                cell.lineTo(xAt(j + 1, y0, h, vx, cols), y0);
                cell.lineTo(xAt(j + 1, y1, h, vx, cols), y1);
                cell.lineTo(xAt(j, y1, h, vx, cols), y1);
                cell.closePath();
                g.fill(cell);
            }
        }
        g.setColor(new Color(0x8C7B5E));
        g.fill(new Rectangle2D.Double(0, h - 0.01, 1, 0.02));
    }

    private static double row(int i, int rows) {
        double t = (double) i / rows;
        return t * t * 0.6 + t * 0.4;
    }

    private static double xAt(int col, double y, double horizon, double vx, int cols) {
        double spread = 0.25 + 2.2 * (y - horizon) / (1 - horizon);
        return vx + ((double) col / cols - 0.5) * spread;
    }

    private static void night(Graphics2D g, SplittableRandom rng) {
        g.setPaint(new GradientPaint(0f, 0f, new Color(0x0B1026), 0f, 1f, new Color(0x2B3A6B)));
        g.fill(new Rectangle2D.Double(0, 0, 1, 1));
        for (int i = 0; i < 45; i++) {
            double x = rng.nextDouble();
            double y = rng.nextDouble() * 0.8;
            double r = 0.003 + 0.005 * rng.nextDouble();
            g.setColor(new Color(255, 255, 230, 140 + rng.nextInt(116)));
            g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
        }
        double mx = rng.nextDouble(0.12, 0.88);
        double my = rng.nextDouble(0.1, 0.25);
        double mr = 0.07;
        Area moon = new Area(new Ellipse2D.Double(mx - mr, my - mr, 2 * mr, 2 * mr));
        moon.subtract(new Area(new Ellipse2D.Double(mx - mr + 0.035, my - mr - 0.02, 2 * mr, 2 * mr)));
        g.setColor(new Color(0xF5F0C8));
        g.fill(moon);
        double ground = 0.86 + rng.nextDouble(-0.03, 0.03);
        g.setColor(new Color(0x141A2E));
        g.fill(new Rectangle2D.Double(0, ground, 1, 1 - ground));
    }

    private static void snow(Graphics2D g, SplittableRandom rng) {
        double h = horizon(rng);
        g.setPaint(new GradientPaint(0f, 0f, new Color(0xAFC3D6), 0f, (float) h, new Color(0xE3ECF3)));
        g.fill(new Rectangle2D.Double(0, 0, 1, h));
        g.setPaint(new GradientPaint(0f, (float) h, new Color(0xFFFFFF), 0f, 1f, new Color(0xDCE6F0)));
        g.fill(new Rectangle2D.Double(0, h, 1, 1 - h));
        g.setColor(new Color(0xC5D5E6));
        for (int i = 0; i < 6; i++) {
            double x = rng.nextDouble(-0.1, 1.0);
            double y = h + rng.nextDouble() * (1 - h);
            g.fill(new Ellipse2D.Double(x, y, 0.25, 0.03));
        }
        for (int i = 0; i < 50; i++) {
            double x = rng.nextDouble();
            double y = rng.nextDouble();
            double r = 0.003 + 0.004 * rng.nextDouble();
            g.setColor(new Color(255, 255, 255, 220));
            g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
        }
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
