package dev.likeness.metrics.preprocess;

import java.util.Arrays;

/**
 * An 8-bit RGB image stored channels-last, {@code [height, width, 3]} in R, G, B order: the array layout that
 * Pillow/numpy hand to the Hugging Face image processors. Immutable.
 */
public final class RgbImage {

    private final int width;
    private final int height;
    private final byte[] pixels;

    /**
     * @param pixels {@code height * width * 3} bytes, row-major, channels last (copied)
     */
    public RgbImage(int width, int height, byte[] pixels) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (pixels.length != (long) width * height * 3) {
            throw new IllegalArgumentException("expected " + (width * height * 3) + " bytes for a " + width + "x"
                    + height + " RGB image, got " + pixels.length);
        }
        this.width = width;
        this.height = height;
        this.pixels = pixels.clone();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Channel value 0..255 at ({@code x}, {@code y}); {@code c} is 0 = R, 1 = G, 2 = B. */
    public int get(int x, int y, int c) {
        return pixels[(y * width + x) * 3 + c] & 0xFF;
    }

    /** A copy of the raw {@code [height, width, 3]} bytes. */
    public byte[] toBytes() {
        return pixels.clone();
    }

    /** Raw bytes without copying, for the resampler in this package. */
    byte[] raw() {
        return pixels;
    }

    /** Cuts out {@code cropWidth x cropHeight} starting at ({@code left}, {@code top}). */
    public RgbImage crop(int left, int top, int cropWidth, int cropHeight) {
        if (left < 0 || top < 0 || cropWidth <= 0 || cropHeight <= 0 || left + cropWidth > width
                || top + cropHeight > height) {
            throw new IllegalArgumentException("crop " + cropWidth + "x" + cropHeight + " at (" + left + ", " + top
                    + ") does not fit a " + width + "x" + height + " image");
        }
        byte[] out = new byte[cropWidth * cropHeight * 3];
        for (int y = 0; y < cropHeight; y++) {
            System.arraycopy(pixels, ((top + y) * width + left) * 3, out, y * cropWidth * 3, cropWidth * 3);
        }
        return new RgbImage(cropWidth, cropHeight, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage other && other.width == width && other.height == height
                && Arrays.equals(other.pixels, pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
