package dev.likeness.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.training.TrainingModel;

/**
 * The VAE posterior of every training image, computed once: training then draws {@code mean + std·ε} (times the
 * scaling factor) each step without running the VAE again.
 *
 * @param mean {@code [n, 4, h, w]}
 * @param std  {@code [n, 4, h, w]}
 */
public record LatentDistribution(NDArray mean, NDArray std) implements AutoCloseable {

    /**
     * Encodes {@code pixels} one image at a time (bounded memory) with the model's VAE encoder.
     *
     * @param pixels {@code [n, 3, height, width]} in [-1, 1]
     */
    public static LatentDistribution encode(TrainingModel model, NDArray pixels, NDManager manager) {
        if (model.latentEncoder() == null) {
            throw new IllegalStateException("the training model has no VAE encoder; cannot encode training images");
        }
        long n = pixels.getShape().get(0);
        NDArray[] means = new NDArray[(int) n];
        NDArray[] stds = new NDArray[(int) n];
        try (NDManager scratch = manager.newSubManager()) {
            for (int i = 0; i < n; i++) {
                NDArray one = pixels.get(i + ":" + (i + 1));
                one.attach(scratch);
                NDArray moments = model.latentEncoder().moments(one);
                moments.attach(scratch);
                long c = moments.getShape().get(1) / 2;
                NDArray mean = moments.get(":, 0:" + c);
                // diffusers DiagonalGaussianDistribution: logvar clamped to [-30, 20], std = exp(0.5·logvar)
                NDArray std = moments.get(":, " + c + ":").clip(-30f, 20f).mul(0.5f).exp();
                means[i] = mean.duplicate();
                stds[i] = std.duplicate();
                means[i].attach(manager);
                stds[i].attach(manager);
                mean.attach(scratch);
                std.attach(scratch);
            }
        }
        NDArray mean = concat(means, manager);
        NDArray std = concat(stds, manager);
        return new LatentDistribution(mean, std);
    }

    private static NDArray concat(NDArray[] parts, NDManager manager) {
        NDArray out = NDArrays.concat(new NDList(parts), 0);
        out.attach(manager);
        for (NDArray p : parts) {
            p.close();
        }
        return out;
    }

    public int size() {
        return (int) mean.getShape().get(0);
    }

    public Shape latentShape() {
        return mean.getShape().slice(1);
    }

    @Override
    public void close() {
        mean.close();
        std.close();
    }
}
