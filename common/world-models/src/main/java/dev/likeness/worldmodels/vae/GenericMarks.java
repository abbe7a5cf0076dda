package dev.likeness.worldmodels.vae;

import dev.likeness.world.image.RgbImage;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.CubicCurve2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * Paints random marks (thick curves, ellipses, polygons, in colours drawn uniformly from RGB) over a world background,
 * as extra VAE training images. The world's own images hold a fixed palette and four patterns; a VAE trained only on
 * them maps any other look onto the nearest world look (a subject's spiral comes back as stripes). Stable Diffusion's
 * VAE sees all of natural imagery; these marks stand in for that breadth without drawing any subject's look.
 */
public final class GenericMarks {

    private static final int SUPERSAMPLE = 4;

    private GenericMarks() {
    }

    /** The marked image and its mask ({@code [side, side]}, 1 where marks were painted). */
    public record Marked(byte[] rgb, byte[] mask) {
    }

    /** Paints 1–4 marks seeded by {@code seed} over {@code background}. Same inputs, same bytes. */
    public static Marked paint(RgbImage background, long seed) {
        int side = background.width();
        int big = side * SUPERSAMPLE;
        BufferedImage canvas = new BufferedImage(big, big, BufferedImage.TYPE_INT_RGB);
        BufferedImage maskCanvas = new BufferedImage(big, big, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = canvas.createGraphics();
        Graphics2D gm = maskCanvas.createGraphics();
        try {
            g.drawImage(background.toBufferedImage().getScaledInstance(big, big, java.awt.Image.SCALE_FAST), 0, 0,
                    null);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            gm.setColor(Color.WHITE);
            g.scale(big, big);
            gm.scale(big, big);
            SplittableRandom r = new SplittableRandom(seed);
            int marks = 1 + r.nextInt(4);
            for (int i = 0; i < marks; i++) {
                g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
                double cx = r.nextDouble(0.1, 0.9);
                double cy = r.nextDouble(0.1, 0.9);
                double size = r.nextDouble(0.1, 0.45);
                java.awt.Shape shape = switch (r.nextInt(3)) {
                    case 0 -> new BasicStroke((float) r.nextDouble(0.02, 0.08), BasicStroke.CAP_ROUND,
                            BasicStroke.JOIN_ROUND).createStrokedShape(new CubicCurve2D.Double(
                            cx - size / 2, cy + r.nextDouble(-size, size) / 2,
                            cx + r.nextDouble(-size, size), cy + r.nextDouble(-size, size),
                            cx + r.nextDouble(-size, size), cy + r.nextDouble(-size, size),
                            cx + size / 2, cy + r.nextDouble(-size, size) / 2));
                    case 1 -> new Ellipse2D.Double(cx - size / 2, cy - size / 3, size, size * r.nextDouble(0.4, 1.2));
                    default -> polygon(r, cx, cy, size);
                };
                g.fill(shape);
                gm.fill(shape);
            }
        } finally {
            g.dispose();
            gm.dispose();
        }
        int[] argb = ((java.awt.image.DataBufferInt) canvas.getRaster().getDataBuffer()).getData();
        return new Marked(RgbImage.boxDownsample(argb, big, SUPERSAMPLE).rgb(), downsampleMask(maskCanvas, side));
    }

    private static java.awt.Shape polygon(SplittableRandom r, double cx, double cy, double size) {
        int corners = 3 + r.nextInt(5);
        Path2D.Double p = new Path2D.Double();
        for (int k = 0; k < corners; k++) {
            double angle = 2 * Math.PI * (k + r.nextDouble(-0.3, 0.3)) / corners;
            double radius = size / 2 * r.nextDouble(0.4, 1.0);
            double x = cx + radius * Math.cos(angle);
            double y = cy + radius * Math.sin(angle);
            if (k == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }

    // a pixel belongs to a mark when at least a quarter of its sub-pixels were painted
    private static byte[] downsampleMask(BufferedImage mask, int side) {
        byte[] out = new byte[side * side];
        var raster = mask.getRaster();
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int painted = 0;
                for (int dy = 0; dy < SUPERSAMPLE; dy++) {
                    for (int dx = 0; dx < SUPERSAMPLE; dx++) {
                        if (raster.getSample(x * SUPERSAMPLE + dx, y * SUPERSAMPLE + dy, 0) > 127) {
                            painted++;
                        }
                    }
                }
                out[y * side + x] = (byte) (painted * 4 >= SUPERSAMPLE * SUPERSAMPLE ? 1 : 0);
            }
        }
        return out;
    }
}
