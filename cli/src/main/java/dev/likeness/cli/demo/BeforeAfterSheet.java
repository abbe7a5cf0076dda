package dev.likeness.cli.demo;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The main job's picture: the subject photos on top, then one row per evaluation prompt with the base model's images
 * on the left ("a vase on snow, …") and the personalized model's on the right ("a sks vase on snow, …"), the same
 * seeds in the same columns, separated by a light bar. Tiles are scaled up by an integer factor (nearest neighbour,
 * so every generated pixel stays visible); no text is drawn (fonts differ between machines).
 */
public final class BeforeAfterSheet {

    private static final Color BACKGROUND = new Color(40, 40, 40);
    private static final Color DIVIDER = new Color(220, 220, 220);
    private static final int GAP = 2;
    private static final int DIVIDER_WIDTH = 6;

    private BeforeAfterSheet() {
    }

    /**
     * @param subject  the subject photos (any size; drawn at the tile size)
     * @param before   per prompt row: the base model's images, one per seed
     * @param after    per prompt row: the trained model's images, the same seeds in the same order
     * @param scale    upscale factor of the generated images
     */
    public static BufferedImage compose(List<BufferedImage> subject, List<List<BufferedImage>> before,
                                        List<List<BufferedImage>> after, int scale) {
        if (before.isEmpty() || before.size() != after.size()) {
            throw new IllegalArgumentException("need the same number (> 0) of before and after rows, got "
                    + before.size() + " and " + after.size());
        }
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be >= 1 but is " + scale);
        }
        int seeds = before.get(0).size();
        BufferedImage first = before.get(0).get(0);
        int tw = first.getWidth() * scale;
        int th = first.getHeight() * scale;
        for (int r = 0; r < before.size(); r++) {
            if (before.get(r).size() != seeds || after.get(r).size() != seeds) {
                throw new IllegalArgumentException("row " + r + " has " + before.get(r).size() + " before and "
                        + after.get(r).size() + " after images; every row needs " + seeds + " of each");
            }
        }
        int half = seeds * (tw + GAP);
        int width = GAP + half + DIVIDER_WIDTH + GAP + half;
        int subjectRows = subject.isEmpty() ? 0 : 1;
        int height = GAP + (before.size() + subjectRows) * (th + GAP) + (subjectRows * 2 * GAP);
        BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, width, height);
            int y = GAP;
            if (subjectRows == 1) {
                // photos are larger than the tiles: smooth when shrinking
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                int n = Math.min(subject.size(), 2 * seeds);
                int x0 = (width - n * (tw + GAP) + GAP) / 2;
                for (int i = 0; i < n; i++) {
                    g.drawImage(subject.get(i), x0 + i * (tw + GAP), y, tw, th, null);
                }
                y += th + 3 * GAP;
            }
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
                    RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            int dividerX = GAP + half;
            for (int r = 0; r < before.size(); r++) {
                for (int s = 0; s < seeds; s++) {
                    g.drawImage(before.get(r).get(s), GAP + s * (tw + GAP), y, tw, th, null);
                    g.drawImage(after.get(r).get(s), dividerX + DIVIDER_WIDTH + GAP + s * (tw + GAP), y, tw, th,
                            null);
                }
                y += th + GAP;
            }
            g.setColor(DIVIDER);
            int top = subjectRows == 1 ? GAP + th + 2 * GAP : 0;
            g.fillRect(dividerX, top, DIVIDER_WIDTH, height - top);
        } finally {
            g.dispose();
        }
        return sheet;
    }
}
