package dev.likeness.metrics.bench;

import dev.likeness.metrics.encoder.ClipEmbedder;
import dev.likeness.metrics.encoder.DinoEmbedder;
import dev.likeness.metrics.encoder.ImageEmbedder;
import dev.likeness.metrics.preprocess.ImageProcessor;
import dev.likeness.metrics.preprocess.RgbImage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Measures milliseconds per image for the CLIP and DINO image embedders at a fixed batch size (8 by default), on
 * seeded synthetic images the size of generated samples. Preprocessing (Pillow-exact resize) and the network are
 * timed separately. Called by {@code likeness bench}.
 */
public final class EncoderBenchmark {

    /** Timings of one encoder. */
    public record Timing(String encoder, int batchSize, int images, double preprocessMsPerImage,
                         double embedMsPerImage) {
        /** The network alone (embed minus preprocessing). */
        public double networkMsPerImage() {
            return Math.max(0, embedMsPerImage - preprocessMsPerImage);
        }
    }

    /** The benchmark's result for both encoders. */
    public record Result(int imageWidth, int imageHeight, Timing clip, Timing dino) {
        public String describe() {
            return String.format(java.util.Locale.ROOT,
                    "%s %dx%d batch %d: %.2f ms/image (preprocess %.2f)%n%s %dx%d batch %d: %.2f ms/image "
                            + "(preprocess %.2f)", clip.encoder(), imageWidth, imageHeight, clip.batchSize(),
                    clip.embedMsPerImage(), clip.preprocessMsPerImage(), dino.encoder(), imageWidth, imageHeight,
                    dino.batchSize(), dino.embedMsPerImage(), dino.preprocessMsPerImage());
        }
    }

    private EncoderBenchmark() {
    }

    /** CLIP and DINO at batch 8, 512×512 inputs, one warm-up batch and three timed batches. */
    public static Result run(Path clipFolder, Path dinoFolder) throws IOException {
        return run(clipFolder, dinoFolder, 8, 512, 512, 3);
    }

    public static Result run(Path clipFolder, Path dinoFolder, int batchSize, int width, int height, int batches)
            throws IOException {
        if (batches <= 0) {
            throw new IllegalArgumentException("batches must be positive, got " + batches);
        }
        List<RgbImage> images = syntheticImages(batchSize, width, height, 0L);
        Timing clip;
        Timing dino;
        try (ClipEmbedder c = ClipEmbedder.load(clipFolder, batchSize, false)) {
            clip = time("clip", c, c.processor(), images, batches);
        }
        try (DinoEmbedder d = DinoEmbedder.load(dinoFolder, batchSize, false)) {
            dino = time("dino", d, d.processor(), images, batches);
        }
        return new Result(width, height, clip, dino);
    }

    /** Times {@code embedder} on {@code images} (one batch): a warm-up call, then {@code batches} timed calls. */
    public static Timing time(String name, ImageEmbedder embedder, ImageProcessor processor, List<RgbImage> images,
                              int batches) {
        embedder.embed(images); // warm-up: native library load, allocator
        long t0 = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            embedder.embed(images);
        }
        long total = System.nanoTime() - t0;
        long pre = 0;
        for (int b = 0; b < batches; b++) {
            long p0 = System.nanoTime();
            for (RgbImage img : images) {
                processor.pixelValues(img);
            }
            pre += System.nanoTime() - p0;
        }
        double n = (double) batches * images.size();
        return new Timing(name, images.size(), (int) n, pre / 1e6 / n, total / 1e6 / n);
    }

    /** Seeded smooth-plus-noise RGB images, so the resize does real work. */
    public static List<RgbImage> syntheticImages(int count, int width, int height, long seed) {
        Random r = new Random(seed);
        List<RgbImage> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] px = new byte[width * height * 3];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int c = 0; c < 3; c++) {
                        int v = (x * (c + 1) + y * (3 - c) + i * 40) % 256 + r.nextInt(32) - 16;
                        px[(y * width + x) * 3 + c] = (byte) Math.max(0, Math.min(255, v));
                    }
                }
            }
            out.add(new RgbImage(width, height, px));
        }
        return out;
    }
}
