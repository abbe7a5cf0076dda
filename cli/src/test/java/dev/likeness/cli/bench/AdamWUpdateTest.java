package dev.likeness.cli.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.likeness.engine.nn.Parameter;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The bench's optimizer step against AdamW with global-norm clipping written out in double precision. */
class AdamWUpdateTest {

    @Test
    void oneStepClipsByTheGlobalNormAndAppliesAdamW() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] w0 = {0.5e-3f, -1e-3f, 2e-3f}; // small, so float32 resolves the ~5e-6 update
            float[] u0 = {1e-3f, -1e-3f};
            Parameter w = new Parameter("w", new Shape(3));
            Parameter u = new Parameter("u", new Shape(2));
            w.set(manager.create(w0));
            u.set(manager.create(u0));
            // loss = sum(w * [1, 2, 2]) + sum(u * [3, -4]): gradients [1, 2, 2] and [3, -4], global norm sqrt(34)
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = w.array().mul(manager.create(new float[] {1, 2, 2})).sum()
                        .add(u.array().mul(manager.create(new float[] {3, -4})).sum());
                gc.backward(loss);
            }
            try (AdamWUpdate adam = new AdamWUpdate(List.of(w, u), manager)) {
                adam.step();
            }
            double[] g = {1, 2, 2, 3, -4};
            double norm = Math.sqrt(1 + 4 + 4 + 9 + 16);
            double clip = Math.min(1, 1 / (norm + 1e-6));
            double lr = 5e-6;
            double rate = lr * Math.sqrt(1 - 0.999) / (1 - 0.9);
            float[] got = concat(w.array().toFloatArray(), u.array().toFloatArray());
            float[] start = concat(w0, u0);
            for (int i = 0; i < g.length; i++) {
                double gc = g[i] * clip;
                double m = 0.1 * gc;
                double v = 0.001 * gc * gc;
                double expected = start[i] * (1 - lr * 1e-2) - rate * m / (Math.sqrt(v) + 1e-8);
                assertThat((double) got[i]).as("element " + i).isCloseTo(expected, within(3e-10));
                assertThat((double) got[i]).isNotEqualTo((double) start[i]);
            }
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
