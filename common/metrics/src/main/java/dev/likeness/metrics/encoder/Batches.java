package dev.likeness.metrics.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.metrics.preprocess.ImageProcessor;
import dev.likeness.metrics.preprocess.RgbImage;

import java.util.List;
import java.util.function.Function;

/** Runs a network over images in fixed-size batches, each batch in its own manager. */
final class Batches {

    private Batches() {
    }

    /**
     * @param network {@code [batch, 3, h, w]} pixel values → {@code [batch, dim]}
     */
    static float[][] embed(List<RgbImage> images, ImageProcessor processor, int batchSize,
                           Function<NDArray, NDArray> network) {
        float[][] out = new float[images.size()][];
        int h = processor.outputHeight();
        int w = processor.outputWidth();
        int per = 3 * h * w;
        for (int start = 0; start < images.size(); start += batchSize) {
            int n = Math.min(batchSize, images.size() - start);
            float[] pixels = new float[n * per];
            for (int i = 0; i < n; i++) {
                System.arraycopy(processor.pixelValues(images.get(start + i)), 0, pixels, i * per, per);
            }
            try (NDManager batch = NDManager.newBaseManager()) {
                NDArray emb = network.apply(batch.create(pixels, new Shape(n, 3, h, w)));
                int dim = (int) emb.getShape().get(1);
                float[] flat = emb.toFloatArray();
                for (int i = 0; i < n; i++) {
                    out[start + i] = java.util.Arrays.copyOfRange(flat, i * dim, (i + 1) * dim);
                }
            }
        }
        return out;
    }
}
