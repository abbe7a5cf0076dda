package dev.likeness.cli.demo;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.GeneralPath;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The demo's subject, drawn by code so the repository needs no photos: one distinctive vase (cobalt body, orange
 * zig-zag band, white dots, narrow neck) at different places, sizes and tilts on different backgrounds. The same
 * seed always draws the same pixels.
 */
public final class SampleVase {

    private static final Color COBALT = new Color(28, 58, 160);
    private static final Color BAND = new Color(240, 140, 30);
    private static final Color[] BACKGROUNDS = {new Color(236, 226, 208), new Color(190, 214, 230),
            new Color(214, 232, 200), new Color(230, 200, 200), new Color(210, 210, 210), new Color(245, 240, 190)};

    private SampleVase() {
    }

    /** Writes {@code count} PNGs of {@code size}×{@code size} pixels into {@code dir}; returns them. */
    public static List<Path> write(Path dir, int count, int size, long seed) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path file = dir.resolve(String.format("vase-%02d.png", i));
            ImageIO.write(draw(size, random, i), "png", file.toFile());
            files.add(file);
        }
        return files;
    }

    static BufferedImage draw(int size, Random random, int index) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            Color bg = BACKGROUNDS[index % BACKGROUNDS.length];
            g.setPaint(new GradientPaint(0, 0, bg, 0, size, bg.darker()));
            g.fillRect(0, 0, size, size);
            // a table edge in half of the pictures
            if (random.nextBoolean()) {
                g.setColor(new Color(120, 84, 50));
                g.fillRect(0, (int) (size * 0.78), size, size);
            }
            double scale = size / 64.0 * (0.8 + 0.35 * random.nextDouble());
            double cx = size * (0.35 + 0.3 * random.nextDouble());
            double bottom = size * (0.82 + 0.1 * random.nextDouble());
            g.translate(cx, bottom);
            g.rotate(Math.toRadians(-8 + 16 * random.nextDouble()));
            g.scale(scale, scale);
            drawVase(g);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The vase in its own units: 40 wide, 50 tall, standing on the origin. */
    private static void drawVase(Graphics2D g) {
        GeneralPath body = new GeneralPath();
        body.moveTo(-6, -50);
        body.lineTo(6, -50);
        body.curveTo(6, -42, 4, -40, 8, -36);
        body.curveTo(24, -28, 22, -6, 10, 0);
        body.lineTo(-10, 0);
        body.curveTo(-22, -6, -24, -28, -8, -36);
        body.curveTo(-4, -40, -6, -42, -6, -50);
        body.closePath();
        g.setColor(COBALT);
        g.fill(body);
        g.setClip(body);
        g.setColor(BAND);
        g.setStroke(new BasicStroke(3f));
        GeneralPath zigzag = new GeneralPath();
        zigzag.moveTo(-22, -20);
        for (int x = -22; x <= 22; x += 4) {
            zigzag.lineTo(x + 2, (x / 4) % 2 == 0 ? -24 : -16);
        }
        g.draw(zigzag);
        g.setColor(Color.WHITE);
        for (int x = -15; x <= 15; x += 6) {
            g.fill(new Ellipse2D.Double(x - 1.2, -9, 2.4, 2.4));
        }
        g.setClip(null);
        g.setColor(COBALT.darker());
        g.setStroke(new BasicStroke(1.2f));
        g.draw(body);
    }
}
