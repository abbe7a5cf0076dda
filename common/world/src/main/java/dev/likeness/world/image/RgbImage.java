package dev.likeness.world.image;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An 8-bit RGB image, interleaved rows: {@code [height, width, 3]} bytes (uint8, read with {@code & 0xFF}).
 * Immutable: {@link #rgb()} returns a copy.
 */
public final class RgbImage {

    private final int width;
    private final int height;
    private final byte[] rgb;

    private RgbImage(int width, int height, byte[] rgb) {
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    /**
     * The square image whose pixel (x, y) is the mean, rounded half up, of the {@code factor}² block at
     * ({@code x·factor}, {@code y·factor}) of {@code argb}: packed {@code 0xRRGGBB} pixels of a {@code bigSide}²
     * image, row-major (a {@code TYPE_INT_RGB} raster). How the world renders antialiased images from a supersampled
     * canvas.
     */
    public static RgbImage boxDownsample(int[] argb, int bigSide, int factor) {
        if (factor < 1 || bigSide % factor != 0 || argb.length != bigSide * bigSide) {
            throw new IllegalArgumentException("cannot box-downsample " + argb.length + " pixels of side " + bigSide
                    + " by " + factor);
        }
        int size = bigSide / factor;
        byte[] out = new byte[size * size * 3];
        int n = factor * factor;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int r = 0;
                int gr = 0;
                int b = 0;
                for (int dy = 0; dy < factor; dy++) {
                    int row = (y * factor + dy) * bigSide + x * factor;
                    for (int dx = 0; dx < factor; dx++) {
                        int p = argb[row + dx];
                        r += p >> 16 & 0xFF;
                        gr += p >> 8 & 0xFF;
                        b += p & 0xFF;
                    }
                }
                int o = (y * size + x) * 3;
                out[o] = (byte) ((r + n / 2) / n);
                out[o + 1] = (byte) ((gr + n / 2) / n);
                out[o + 2] = (byte) ((b + n / 2) / n);
            }
        }
        return of(size, size, out);
    }

    /** Wraps a copy of {@code rgb} ({@code [height, width, 3]}). */
    public static RgbImage of(int width, int height, byte[] rgb) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive but is " + width + "x" + height);
        }
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB image needs " + width * height * 3
                    + " bytes but got " + rgb.length);
        }
        return new RgbImage(width, height, rgb.clone());
    }

    public static RgbImage of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                out[i] = (byte) (row[x] >> 16);
                out[i + 1] = (byte) (row[x] >> 8);
                out[i + 2] = (byte) row[x];
            }
        }
        return new RgbImage(w, h, out);
    }

    public static RgbImage readPng(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readPng(in, file.toString());
        }
    }

    /** Reads a PNG (or any format ImageIO knows) from a stream; {@code name} is used in errors. */
    public static RgbImage readPng(InputStream in, String name) throws IOException {
        BufferedImage img = ImageIO.read(in);
        if (img == null) {
            throw new IOException(name + " is not a readable image");
        }
        return of(img);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** A copy of the pixels, {@code [height, width, 3]}. */
    public byte[] rgb() {
        return rgb.clone();
    }

    /** Channel {@code c} (0 = red) of pixel (x, y), 0–255. */
    public int channel(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    /** {@code 0xRRGGBB} of pixel (x, y). */
    public int pixel(int x, int y) {
        int i = (y * width + x) * 3;
        return (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | (rgb[i + 2] & 0xFF);
    }

    public BufferedImage toBufferedImage() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, pixel(x, y));
            }
        }
        return img;
    }

    /** PNG bytes (deterministic for the same pixels). */
    public byte[] toPng() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(toBufferedImage(), "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public void writePng(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, toPng());
    }

    /** Mean absolute difference per channel value (0–255) to an image of the same size. */
    public double meanAbsDifference(RgbImage other) {
        if (other.width != width || other.height != height) {
            throw new IllegalArgumentException("image sizes differ: " + width + "x" + height + " vs "
                    + other.width + "x" + other.height);
        }
        long sum = 0;
        for (int i = 0; i < rgb.length; i++) {
            sum += Math.abs((rgb[i] & 0xFF) - (other.rgb[i] & 0xFF));
        }
        return (double) sum / rgb.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage r && r.width == width && r.height == height && Arrays.equals(r.rgb, rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
