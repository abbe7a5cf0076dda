package dev.likeness.engine.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Float images {@code [batch, 3, height, width]} in [0, 1] to and from 8-bit RGB. Quantisation is diffusers'
 * {@code numpy_to_pil}: {@code round(x·255)} in float32 with round-half-to-even, after clamping to [0, 1].
 */
public final class Images {

    private Images() {
    }

    /** One 8-bit RGB image per batch element. */
    public static List<BufferedImage> toBufferedImages(NDArray images01) {
        Shape s = images01.getShape();
        if (s.dimension() != 4 || s.get(1) != 3) {
            throw new IllegalArgumentException("images must be [batch, 3, height, width] but got " + s);
        }
        int batch = (int) s.get(0);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        float[] data;
        try (NDArray f = images01.toType(DataType.FLOAT32, true)) {
            data = f.toFloatArray();
        }
        List<BufferedImage> out = new ArrayList<>(batch);
        int plane = h * w;
        for (int b = 0; b < batch; b++) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int base = b * 3 * plane;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    int r = quantize(data[base + i]);
                    int g = quantize(data[base + plane + i]);
                    int bl = quantize(data[base + 2 * plane + i]);
                    img.setRGB(x, y, (r << 16) | (g << 8) | bl);
                }
            }
            out.add(img);
        }
        return out;
    }

    /** diffusers: {@code (x * 255).round().astype("uint8")} on a float32 array in [0, 1]. */
    static int quantize(float v) {
        float clamped = Math.max(0f, Math.min(1f, v));
        return (int) Math.rint(clamped * 255f);
    }

    /** Writes each image of the batch as PNG; returns the paths written. */
    public static List<Path> writePngs(NDArray images01, Path file) throws IOException {
        List<BufferedImage> images = toBufferedImages(images01);
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Path p = images.size() == 1 ? file : numbered(file, i);
            writePng(images.get(i), p);
            written.add(p);
        }
        return written;
    }

    /** {@code out.png} → {@code out-1.png} for the second image, and so on; the first keeps the name. */
    public static Path numbered(Path file, int index) {
        if (index == 0) {
            return file;
        }
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : ".png";
        return file.resolveSibling(stem + "-" + index + ext);
    }

    public static void writePng(BufferedImage image, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }

    /** Reads an image file as {@code [1, 3, height, width]} float32 in [0, 1] (alpha dropped). */
    public static NDArray readImage(Path file, NDManager manager) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException(file + ": not a readable image (PNG/JPEG/BMP/GIF)");
        }
        return fromBufferedImage(img, manager);
    }

    /** {@code [1, 3, height, width]} float32 in [0, 1] (u8 / 255). */
    public static NDArray fromBufferedImage(BufferedImage img, NDManager manager) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] data = new float[3 * h * w];
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int i = y * w + x;
                data[i] = (float) (((rgb >> 16) & 0xFF) / 255.0);
                data[plane + i] = (float) (((rgb >> 8) & 0xFF) / 255.0);
                data[2 * plane + i] = (float) ((rgb & 0xFF) / 255.0);
            }
        }
        return manager.create(data, new Shape(1, 3, h, w));
    }
}
