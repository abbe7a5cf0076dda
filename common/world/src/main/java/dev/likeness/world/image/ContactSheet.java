package dev.likeness.world.image;

import java.util.List;

/** Tiles images into one grid image for eyeballing a dataset, each scaled up by an integer factor (nearest). */
public final class ContactSheet {

    private ContactSheet() {
    }

    /**
     * @param images  same-sized images, row-major into {@code columns} columns
     * @param scale   integer upscale factor per image
     * @param gap     pixels of dark gray between tiles
     */
    public static RgbImage of(List<RgbImage> images, int columns, int scale, int gap) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("a contact sheet needs at least one image");
        }
        if (columns < 1 || scale < 1 || gap < 0) {
            throw new IllegalArgumentException("columns and scale must be >= 1 and gap >= 0");
        }
        int w = images.get(0).width();
        int h = images.get(0).height();
        int rows = (images.size() + columns - 1) / columns;
        int tileW = w * scale + gap;
        int tileH = h * scale + gap;
        int sheetW = columns * tileW + gap;
        int sheetH = rows * tileH + gap;
        byte[] out = new byte[sheetW * sheetH * 3];
        java.util.Arrays.fill(out, (byte) 40);
        for (int n = 0; n < images.size(); n++) {
            RgbImage img = images.get(n);
            if (img.width() != w || img.height() != h) {
                throw new IllegalArgumentException("image " + n + " is " + img.width() + "x" + img.height()
                        + ", not " + w + "x" + h);
            }
            int ox = gap + (n % columns) * tileW;
            int oy = gap + (n / columns) * tileH;
            for (int y = 0; y < h * scale; y++) {
                for (int x = 0; x < w * scale; x++) {
                    int o = ((oy + y) * sheetW + ox + x) * 3;
                    for (int c = 0; c < 3; c++) {
                        out[o + c] = (byte) img.channel(x / scale, y / scale, c);
                    }
                }
            }
        }
        return RgbImage.of(sheetW, sheetH, out);
    }
}
