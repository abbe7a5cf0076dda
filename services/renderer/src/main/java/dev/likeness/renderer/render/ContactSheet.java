package dev.likeness.renderer.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** One PNG with every image of a render: a row per prompt (captioned), a column per seed. */
public final class ContactSheet {

    static final int CAPTION = 14;
    static final int GAP = 2;

    private ContactSheet() {
    }

    /**
     * @param prompts one caption per row
     * @param rows    {@code rows.get(p).get(s)}: image of prompt {@code p} and seed {@code s}, all the same size
     */
    public static BufferedImage compose(List<String> prompts, List<List<BufferedImage>> rows) {
        if (rows.isEmpty() || rows.get(0).isEmpty()) {
            throw new IllegalArgumentException("a contact sheet needs at least one image");
        }
        if (prompts.size() != rows.size()) {
            throw new IllegalArgumentException(prompts.size() + " captions for " + rows.size() + " rows");
        }
        int w = rows.get(0).get(0).getWidth();
        int h = rows.get(0).get(0).getHeight();
        int cols = rows.stream().mapToInt(List::size).max().orElseThrow();
        int width = cols * w + (cols + 1) * GAP;
        int height = rows.size() * (h + CAPTION + GAP) + GAP;
        BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            for (int r = 0; r < rows.size(); r++) {
                int top = GAP + r * (h + CAPTION + GAP);
                g.setColor(Color.DARK_GRAY);
                g.drawString(fit(g, prompts.get(r), width - 2 * GAP), GAP, top + CAPTION - 3);
                for (int c = 0; c < rows.get(r).size(); c++) {
                    BufferedImage img = rows.get(r).get(c);
                    if (img.getWidth() != w || img.getHeight() != h) {
                        throw new IllegalArgumentException("image " + r + "/" + c + " is " + img.getWidth() + "x"
                                + img.getHeight() + ", expected " + w + "x" + h);
                    }
                    g.drawImage(img, GAP + c * (w + GAP), top + CAPTION, null);
                }
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    private static String fit(Graphics2D g, String text, int maxWidth) {
        if (g.getFontMetrics().stringWidth(text) <= maxWidth) {
            return text;
        }
        String t = text;
        while (t.length() > 1 && g.getFontMetrics().stringWidth(t + "…") > maxWidth) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "…";
    }
}
