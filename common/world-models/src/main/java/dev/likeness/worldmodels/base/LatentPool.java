package dev.likeness.worldmodels.base;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.model.vae.DiagonalGaussian;
import dev.likeness.world.dataset.WorldDataset;
import dev.likeness.world.image.RgbImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * A fixed pool of world training images encoded once by the VAE: for sample {@code i} of the train split the
 * posterior mean and standard deviation, already multiplied by the VAE's {@code scaling_factor}, kept in memory as
 * Java floats ({@code [count, 4, 8, 8]} each, 2 KiB per image). Training draws a fresh posterior sample per step
 * (as latent diffusion does). Saved next to the checkpoints so a resumed run does not encode again.
 *
 * @param mean    {@code count × latentSize} scaled posterior means
 * @param std     {@code count × latentSize} scaled posterior standard deviations
 * @param shape   per-sample latent shape {@code [channels, height, width]}
 * @param dataSeed the world seed the images came from (sample {@code i} is train-split index {@code i})
 */
public record LatentPool(float[] mean, float[] std, Shape shape, long dataSeed) {

    public LatentPool {
        if (mean.length != std.length || mean.length % shape.size() != 0) {
            throw new IllegalArgumentException("latent pool arrays do not match the latent shape " + shape);
        }
    }

    public int count() {
        return (int) (mean.length / shape.size());
    }

    public int latentSize() {
        return (int) shape.size();
    }

    /**
     * Renders train-split samples {@code 0 .. count-1} of {@code dataset} and encodes them with {@code vae} in
     * batches. Images are rendered on {@code renderThreads} Java threads while the VAE runs.
     *
     * @param progress receives the number of samples encoded so far
     */
    public static LatentPool encode(WorldDataset dataset, int count, AutoencoderKL vae, NDManager manager,
                                    int renderThreads, IntConsumer progress) {
        if (count < 1) {
            throw new IllegalArgumentException("latent pool size must be >= 1, got " + count);
        }
        int size = dataset.config().imageSize();
        int f = vae.config().downscaleFactor();
        Shape shape = new Shape(vae.config().latentChannels(), size / f, size / f);
        int n = (int) shape.size();
        float[] mean = new float[count * n];
        float[] std = new float[count * n];
        float scale = (float) vae.scalingFactor();
        int batch = 64;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, renderThreads), r -> {
            Thread t = new Thread(r, "latent-pool-render");
            t.setDaemon(true);
            return t;
        });
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            Future<float[]> next = pool.submit(() -> pixels(dataset, 0, Math.min(batch, count), size));
            for (int from = 0; from < count; from += batch) {
                int rows = Math.min(batch, count - from);
                float[] px = next.get();
                int nextFrom = from + batch;
                if (nextFrom < count) {
                    next = pool.submit(() -> pixels(dataset, nextFrom, Math.min(batch, count - nextFrom), size));
                }
                try (NDScope ignored = new NDScope(); NDManager m = manager.newSubManager()) {
                    NDArray images = m.create(px, new Shape(rows, 3, size, size));
                    DiagonalGaussian posterior = vae.encode(images);
                    float[] mu = posterior.mean().toFloatArray();
                    float[] sd = posterior.std().toFloatArray();
                    posterior.close();
                    for (int i = 0; i < mu.length; i++) {
                        mean[from * n + i] = mu[i] * scale;
                        std[from * n + i] = sd[i] * scale;
                    }
                }
                progress.accept(from + rows);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while encoding the latent pool", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("rendering a world image failed", e.getCause());
        } finally {
            JniUtils.setGradMode(grad);
            pool.shutdownNow();
        }
        return new LatentPool(mean, std, shape, dataset.config().seed());
    }

    // [rows, 3, size, size] in [-1, 1]
    private static float[] pixels(WorldDataset dataset, int from, int rows, int size) {
        int plane = size * size;
        float[] out = new float[rows * 3 * plane];
        for (int r = 0; r < rows; r++) {
            RgbImage img = dataset.sample(from + r).image();
            byte[] rgb = img.rgb();
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    out[(r * 3 + c) * plane + p] = (rgb[p * 3 + c] & 0xff) / 127.5f - 1f;
                }
            }
        }
        return out;
    }

    /**
     * A posterior sample of {@code indices}: {@code mean + std · eps}.
     *
     * @param eps {@code indices.length × latentSize} standard normal values
     * @return {@code [indices.length, channels, height, width]} in {@code manager}
     */
    public NDArray sample(int[] indices, float[] eps, NDManager manager) {
        int n = latentSize();
        float[] out = new float[indices.length * n];
        for (int b = 0; b < indices.length; b++) {
            int src = indices[b] * n;
            for (int i = 0; i < n; i++) {
                out[b * n + i] = mean[src + i] + std[src + i] * eps[b * n + i];
            }
        }
        return manager.create(out, new Shape(indices.length, shape.get(0), shape.get(1), shape.get(2)));
    }

    /** Standard deviation of the pool's posterior means (≈ 1 when the VAE's scaling_factor was chosen well). */
    public double meanStd() {
        double s = 0;
        double s2 = 0;
        for (float v : mean) {
            s += v;
            s2 += (double) v * v;
        }
        double m = s / mean.length;
        return Math.sqrt(Math.max(0, s2 / mean.length - m * m));
    }

    /** Writes {@code mean}, {@code std} as {@code [count, c, h, w]} float32 and the data seed as metadata. */
    public void save(Path file) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape full = new Shape(count(), shape.get(0), shape.get(1), shape.get(2));
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("mean", m.create(mean, full));
            t.put("std", m.create(std, full));
            SafeTensorsWriter.write(file, t, Map.of("data_seed", Long.toString(dataSeed)));
        }
    }

    /** Reads {@link #save}'s file. */
    public static LatentPool load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("latent pool file not found: " + file);
        }
        try (SafeTensorsFile f = SafeTensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
            NDArray mean = f.load("mean", m);
            NDArray std = f.load("std", m);
            if (mean.getDataType() != DataType.FLOAT32 || !mean.getShape().equals(std.getShape())
                    || mean.getShape().dimension() != 4) {
                throw new IOException(file + ": expected float32 'mean' and 'std' of equal shape [count, c, h, w]");
            }
            String seed = f.metadata().get("data_seed");
            if (seed == null) {
                throw new IOException(file + ": no data_seed metadata");
            }
            Shape s = mean.getShape();
            return new LatentPool(mean.toFloatArray(), std.toFloatArray(), new Shape(s.get(1), s.get(2), s.get(3)),
                    Long.parseLong(seed));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatentPool p && Arrays.equals(mean, p.mean) && Arrays.equals(std, p.std)
                && shape.equals(p.shape) && dataSeed == p.dataSeed;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mean) * 31 + Arrays.hashCode(std);
    }
}
