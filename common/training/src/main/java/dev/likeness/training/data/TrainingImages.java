package dev.likeness.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.metrics.preprocess.ImageDecoder;
import dev.likeness.metrics.preprocess.PillowResampler;
import dev.likeness.metrics.preprocess.ResampleFilter;
import dev.likeness.metrics.preprocess.RgbImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Training images as the DreamBooth scripts prepare them: shortest side resized to the resolution with Pillow's
 * antialiased bilinear filter (torchvision {@code Resize}), center crop to a square, then scaled to [-1, 1].
 */
public final class TrainingImages {

    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    private TrainingImages() {
    }

    /** PNG/JPEG files directly in {@code folder}, sorted by name. Fails if the folder is missing or holds none. */
    public static List<Path> list(Path folder) throws IOException {
        if (folder == null || !Files.isDirectory(folder)) {
            throw new IOException("image folder " + folder + " does not exist or is not a directory");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> EXTENSIONS.stream().anyMatch(e -> p.getFileName().toString()
                            .toLowerCase(Locale.ROOT).endsWith(e)))
                    .sorted()
                    .toList();
        }
        if (files.isEmpty()) {
            throw new IOException("image folder " + folder + " holds no PNG or JPEG images");
        }
        return files;
    }

    /**
     * Loads, resizes and crops every file.
     *
     * @return {@code [n, 3, resolution, resolution]} float32 in [-1, 1], owned by {@code manager}
     */
    public static NDArray load(List<Path> files, int resolution, boolean centerCrop, NDManager manager)
            throws IOException {
        float[] data = new float[files.size() * 3 * resolution * resolution];
        int plane = resolution * resolution;
        for (int i = 0; i < files.size(); i++) {
            RgbImage img;
            try {
                img = ImageDecoder.decode(files.get(i));
            } catch (IOException | RuntimeException e) {
                throw new IOException("cannot read training image " + files.get(i) + ": " + e.getMessage(), e);
            }
            RgbImage square = prepare(img, resolution, centerCrop);
            int base = i * 3 * plane;
            for (int y = 0; y < resolution; y++) {
                for (int x = 0; x < resolution; x++) {
                    for (int c = 0; c < 3; c++) {
                        // ToTensor (/255) then Normalize([0.5], [0.5]): (v/255 - 0.5) / 0.5
                        data[base + c * plane + y * resolution + x] = (square.get(x, y, c) / 255f - 0.5f) / 0.5f;
                    }
                }
            }
        }
        return manager.create(data, new Shape(files.size(), 3, resolution, resolution));
    }

    /**
     * Resize so the shortest side is {@code resolution} (torchvision rounding: long side truncated), then center crop;
     * without center crop the image is resized straight to a square.
     */
    public static RgbImage prepare(RgbImage img, int resolution, boolean centerCrop) {
        if (!centerCrop) {
            return PillowResampler.resize(img, resolution, resolution, ResampleFilter.BILINEAR);
        }
        int w = img.width();
        int h = img.height();
        int ow;
        int oh;
        if (w <= h) {
            ow = resolution;
            oh = (int) ((long) resolution * h / w);
        } else {
            oh = resolution;
            ow = (int) ((long) resolution * w / h);
        }
        RgbImage resized = (ow == w && oh == h) ? img : PillowResampler.resize(img, ow, oh, ResampleFilter.BILINEAR);
        // torchvision CenterCrop: top = round((h - th) / 2)
        int top = (int) Math.round((oh - resolution) / 2.0);
        int left = (int) Math.round((ow - resolution) / 2.0);
        return resized.crop(left, top, resolution, resolution);
    }
}
