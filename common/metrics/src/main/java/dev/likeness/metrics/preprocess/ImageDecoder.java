package dev.likeness.metrics.preprocess;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.color.ColorSpace;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decodes PNG (and anything else {@link ImageIO} reads) to 8-bit RGB the way Pillow's {@code convert('RGB')} does:
 * alpha is dropped without compositing, grey is replicated into R, G and B, palette entries are looked up.
 *
 * <p>Samples are read from the raster, never through {@link BufferedImage#getRGB}: Java converts grey images through a
 * linear-gamma colour space there, which would change the values.
 */
public final class ImageDecoder {

    private ImageDecoder() {
    }

    public static RgbImage decode(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return decode(in, file.toString());
        }
    }

    public static RgbImage decode(byte[] encoded) throws IOException {
        return decode(new ByteArrayInputStream(encoded), "image bytes");
    }

    public static RgbImage decode(InputStream in, String what) throws IOException {
        BufferedImage img = ImageIO.read(in);
        if (img == null) {
            throw new IOException(what + ": not a readable image (PNG, JPEG, BMP or GIF expected)");
        }
        return fromBufferedImage(img);
    }

    /** Converts a decoded image to RGB without colour management. */
    public static RgbImage fromBufferedImage(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * 3];
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        if (cm instanceof IndexColorModel icm) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int idx = raster.getSample(x, y, 0);
                    int o = (y * w + x) * 3;
                    out[o] = (byte) icm.getRed(idx);
                    out[o + 1] = (byte) icm.getGreen(idx);
                    out[o + 2] = (byte) icm.getBlue(idx);
                }
            }
        } else if (cm instanceof ComponentColorModel) {
            int bits = cm.getComponentSize(0);
            int shift = Math.max(0, bits - 8); // 16-bit PNG: keep the high byte
            boolean grey = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    if (grey) {
                        byte v = (byte) (raster.getSample(x, y, 0) >> shift);
                        out[o] = v;
                        out[o + 1] = v;
                        out[o + 2] = v;
                    } else {
                        for (int c = 0; c < 3; c++) {
                            out[o + c] = (byte) (raster.getSample(x, y, c) >> shift);
                        }
                    }
                }
            }
        } else {
            // Packed int layouts (TYPE_INT_RGB/ARGB) are sRGB already; getRGB is exact for them.
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = img.getRGB(x, y);
                    int o = (y * w + x) * 3;
                    out[o] = (byte) (argb >> 16);
                    out[o + 1] = (byte) (argb >> 8);
                    out[o + 2] = (byte) argb;
                }
            }
        }
        return new RgbImage(w, h, out);
    }
}
