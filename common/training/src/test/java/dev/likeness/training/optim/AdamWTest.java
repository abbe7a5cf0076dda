package dev.likeness.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.training.TrainableTensor;
import dev.likeness.training.TrainingConfig.StatePrecision;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdamWTest {

    // torch.optim.AdamW reference in double: decay, moments, bias correction
    private static double[] reference(double[] p, double[][] grads, double lr, double wd, double b1, double b2,
                                      double eps) {
        double[] w = p.clone();
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        for (int s = 1; s <= grads.length; s++) {
            for (int i = 0; i < w.length; i++) {
                double g = grads[s - 1][i];
                w[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, s)) + eps;
                w[i] -= lr / (1 - Math.pow(b1, s)) * m[i] / denom;
            }
        }
        return w;
    }

    private static final double[] P0 = {0.5, -1.25, 2.0, 0.0};
    private static final double[][] GRADS = {{0.1, -0.2, 0.3, 1e-4}, {-0.05, 0.4, 0.3, 0.0}, {0.2, 0.2, -1.0, 2.0}};

    private float[] run(StatePrecision precision, float lr, float wd) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(toFloat(P0));
            w.setRequiresGradient(true);
            try (AdamW opt = new AdamW(List.of(new TrainableTensor("w", w, "g")), Map.of("g", new AdamW.Group(lr, wd)),
                    0.9f, 0.999f, 1e-8f, precision, m)) {
                for (double[] g : GRADS) {
                    opt.step(List.of(m.create(toFloat(g))), 1.0);
                }
                assertThat(opt.stepCount()).isEqualTo(3);
            }
            return w.toFloatArray();
        }
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Test
    void matchesTorchAdamWFormula() {
        double[] ref = reference(P0, GRADS, 1e-2, 0.1, 0.9, 0.999, 1e-8);
        float[] got = run(StatePrecision.FLOAT32, 1e-2f, 0.1f);
        for (int i = 0; i < ref.length; i++) {
            assertThat((double) got[i]).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void float16StateStaysCloseToFloat32() {
        float[] full = run(StatePrecision.FLOAT32, 1e-2f, 0.1f);
        float[] half = run(StatePrecision.FLOAT16, 1e-2f, 0.1f);
        for (int i = 0; i < full.length; i++) {
            assertThat(half[i]).isCloseTo(full[i], org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    void stateRoundTripsAndContinuesIdentically() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w1 = m.create(toFloat(P0));
            NDArray w2 = m.create(toFloat(P0));
            Map<String, AdamW.Group> groups = Map.of("g", new AdamW.Group(1e-2f, 0.1f));
            try (AdamW a = new AdamW(List.of(new TrainableTensor("w", w1, "g")), groups, 0.9f, 0.999f, 1e-8f,
                    StatePrecision.FLOAT32, m);
                 AdamW b = new AdamW(List.of(new TrainableTensor("w", w2, "g")), groups, 0.9f, 0.999f, 1e-8f,
                         StatePrecision.FLOAT32, m)) {
                a.step(List.of(m.create(toFloat(GRADS[0]))), 1.0);
                b.step(List.of(m.create(toFloat(GRADS[0]))), 1.0);
                b.loadState(a.state(m));
                a.step(List.of(m.create(toFloat(GRADS[1]))), 1.0);
                b.step(List.of(m.create(toFloat(GRADS[1]))), 1.0);
                assertThat(w2.toFloatArray()).containsExactly(w1.toFloatArray());
                assertThat(b.stepCount()).isEqualTo(2);
            }
        }
    }

    @Test
    void unknownGroupIsRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1});
            assertThatThrownBy(() -> new AdamW(List.of(new TrainableTensor("w", w, "deltas")), Map.of(), 0.9f, 0.999f,
                    1e-8f, StatePrecision.FLOAT32, m)).hasMessageContaining("deltas");
        }
    }
}
