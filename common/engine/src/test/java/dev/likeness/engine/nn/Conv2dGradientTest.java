package dev.likeness.engine.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Conv2d}'s gradients (weight, bias, input) against the definition, computed in double precision in Java.
 * libtorch picks a different native kernel by channel count and CPU (oneDNN's AVX2 kernel for fewer than 16 input
 * channels, AVX-512 ones above), so the shapes cover the UNet's and VAE's {@code conv_in} (3 or 4 channels in) and
 * {@code conv_out} (4 channels out) as well as wide and strided layers.
 */
class Conv2dGradientTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        Engine.getInstance().setRandomSeed(5);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @ParameterizedTest(name = "batch {0}, {1} -> {2} channels, kernel {3}, stride {4}, {5} px")
    @CsvSource({
            "2, 4, 32, 3, 1, 32", // UNet conv_in
            "1, 3, 32, 3, 1, 32", // VAE encoder conv_in
            "2, 32, 4, 3, 1, 32", // UNet conv_out
            "1, 32, 3, 3, 1, 32", // VAE decoder conv_out
            "2, 32, 8, 3, 1, 16",
            "2, 32, 12, 3, 1, 16",
            "2, 32, 16, 3, 1, 16",
            "2, 16, 4, 3, 1, 16",
            "2, 4, 4, 1, 1, 16", // VAE quant_conv
            "2, 8, 16, 3, 1, 16",
            "2, 32, 32, 3, 2, 32", // downsampler
            "2, 64, 64, 3, 1, 16",
            "2, 32, 64, 1, 1, 16", // shortcut
    })
    void gradientsMatchTheDefinition(int batch, int in, int out, int kernel, int stride, int size) {
        int pad = kernel / 2;
        Conv2d conv = new Conv2d(in, out, kernel, stride, pad);
        conv.weight().set(manager.randomNormal(0, 0.2f, new Shape(out, in, kernel, kernel),
                ai.djl.ndarray.types.DataType.FLOAT32));
        conv.bias().set(manager.randomNormal(new Shape(out)));
        NDArray x = manager.randomNormal(new Shape(batch, in, size, size));
        int outSize = (size + 2 * pad - kernel) / stride + 1;
        NDArray g = manager.randomNormal(new Shape(batch, out, outSize, outSize));
        NDArray w = conv.weight().array();
        NDArray b = conv.bias().array();
        w.setRequiresGradient(true);
        b.setRequiresGradient(true);
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(conv.forward(x).mul(g).sum());
        }
        float[] xs = x.toFloatArray();
        float[] ws = w.toFloatArray();
        float[] gs = g.toFloatArray();
        double[] dw = new double[ws.length];
        double[] db = new double[out];
        double[] dx = new double[xs.length];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                for (int oy = 0; oy < outSize; oy++) {
                    for (int ox = 0; ox < outSize; ox++) {
                        double go = gs[((n * out + o) * outSize + oy) * outSize + ox];
                        db[o] += go;
                        for (int i = 0; i < in; i++) {
                            for (int ky = 0; ky < kernel; ky++) {
                                int iy = oy * stride + ky - pad;
                                if (iy < 0 || iy >= size) {
                                    continue;
                                }
                                for (int kx = 0; kx < kernel; kx++) {
                                    int ix = ox * stride + kx - pad;
                                    if (ix < 0 || ix >= size) {
                                        continue;
                                    }
                                    int xi = ((n * in + i) * size + iy) * size + ix;
                                    int wi = ((o * in + i) * kernel + ky) * kernel + kx;
                                    dw[wi] += go * xs[xi];
                                    dx[xi] += go * ws[wi];
                                }
                            }
                        }
                    }
                }
            }
        }
        assertThat(relMaxError(w.getGradient().toFloatArray(), dw)).as("weight gradient").isLessThan(1e-5);
        assertThat(relMaxError(b.getGradient().toFloatArray(), db)).as("bias gradient").isLessThan(1e-5);
        assertThat(relMaxError(x.getGradient().toFloatArray(), dx)).as("input gradient").isLessThan(1e-5);
    }

    // max |actual - expected| / max |expected|; NaN counts as infinitely wrong
    private static double relMaxError(float[] actual, double[] expected) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(actual[i] - expected[i]);
            diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d);
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / scale;
    }
}
