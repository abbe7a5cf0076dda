package dev.likeness.training.method.svdiff;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.likeness.training.linalg.ThinSvd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static dev.likeness.training.linalg.SvdTestSupport.factors;
import static dev.likeness.training.linalg.SvdTestSupport.relMax;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The small-factor recomposition ({@code W + U·diag(c)·Uᵀ·W}, {@code W + W·V·diag(c)·Vᵀ}) against the full-factor
 * formula {@code U·diag(ReLU(σ + δ))·Vh} on the same factors, for the value and for the gradient of δ.
 */
class SpectralShiftTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @ParameterizedTest(name = "{0}x{1}x{2}, rank {3}")
    @CsvSource({
            "8, 20, 1, 8",    // wide: U kept
            "20, 8, 1, 8",    // tall: V kept
            "12, 12, 1, 12",  // square
            "6, 3, 9, 6",     // a conv kernel [6, 3, 3, 3] seen as 6 x 27
            "10, 16, 1, 4",   // rank-deficient wide: 6 tiny singular values, shifted through explicit rows
            "16, 10, 1, 3"})  // rank-deficient tall
    void recompositionAndGradientMatchTheFullFactorFormula(int m, int c, int hw, int rank) {
        int n = c * hw;
        Shape shape = hw == 1 ? new Shape(m, n) : new Shape(m, c, 3, 3);
        float[] w = lowRank(m, n, rank, m * 31L + n);
        ThinSvd svd = ThinSvd.of(w, m, n);
        int k = svd.rank();
        float[] delta = new float[k];
        float[] sigma = svd.s();
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < k; i++) {
            // some σ + δ fall below zero (ReLU), some grow, tiny ones are pushed up
            delta[i] = (float) ((random.nextDouble() * 1.6 - 1.1) * sigma[0] * 0.3);
        }
        delta[k - 1] = sigma[0] * 0.2f;
        try (NDManager step = manager.newSubManager()) {
            NDArray weight = step.create(w, shape);
            SpectralShift shift = SpectralShift.matrix("x.weight", shape, factors(svd, step), weight, true);
            NDArray d1 = step.create(delta);
            d1.setRequiresGradient(true);
            NDArray d2 = step.create(delta);
            d2.setRequiresGradient(true);
            NDArray probe = step.randomNormal(new Shape(m, n));
            float[] ours;
            float[] full;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray rec = shift.recompose(d1, 1f);
                assertThat(rec.getShape()).isEqualTo(shape);
                ours = rec.toFloatArray();
                gc.backward(rec.reshape(m, n).mul(probe).sum());
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray u = step.create(svd.u(), new Shape(m, k));
                NDArray vh = step.create(svd.vh(), new Shape(k, n));
                NDArray rec = u.mul(Activation.relu(step.create(sigma).add(d2))).matMul(vh);
                full = rec.toFloatArray();
                gc.backward(rec.mul(probe).sum());
            }
            assertThat(relMax(ours, full)).as("recomposed weight").isLessThan(2e-5);
            assertThat(relMax(d1.getGradient().toFloatArray(), d2.getGradient().toFloatArray()))
                    .as("gradient of delta").isLessThan(1e-4);
            long tiny = 0;
            for (float s : sigma) {
                tiny += s <= sigma[0] * SpectralShift.TINY_SIGMA ? 1 : 0;
            }
            assertThat(tiny).as("tiny singular values").isEqualTo(k - Math.min(rank, k));
            long p = Math.min(m, n);
            assertThat(shift.residentValues()).isEqualTo(p * k + 2L * k + tiny * (m + n));
            SpectralShift fullForm = SpectralShift.matrix("x.weight", shape, factors(svd, step), weight, false);
            assertThat(fullForm.residentValues()).as("default: U, S, Vh").isEqualTo((long) m * k + k + (long) k * n);
            assertThat(relMax(fullForm.recompose(step.create(delta), 1f).toFloatArray(), fullFormula(svd, delta, step)))
                    .as("default form").isLessThan(1e-6);
        }
    }

    @Test
    void zeroShiftGivesTheBaseWeightExactlyAndScaleMultipliesDelta() {
        int m = 7;
        int n = 11;
        float[] w = lowRank(m, n, m, 3);
        ThinSvd svd = ThinSvd.of(w, m, n);
        try (NDManager step = manager.newSubManager()) {
            NDArray weight = step.create(w, new Shape(m, n));
            SpectralShift shift = SpectralShift.matrix("x.weight", new Shape(m, n), factors(svd, step), weight, true);
            assertThat(shift.recompose(step.zeros(new Shape(m)), 1f).toFloatArray()).containsExactly(w);
            float[] delta = {0.1f, -0.2f, 0.05f, 0f, 0.3f, -0.01f, 0.02f};
            float[] half = delta.clone();
            for (int i = 0; i < half.length; i++) {
                half[i] *= 0.5f;
            }
            assertThat(relMax(shift.recompose(step.create(delta), 0.5f).toFloatArray(),
                    shift.recompose(step.create(half), 1f).toFloatArray())).isLessThan(1e-6);
        }
    }

    @Test
    void baseWeightOfAnotherShapeIsRejected() {
        ThinSvd svd = ThinSvd.of(lowRank(4, 6, 4, 1), 4, 6);
        try (NDManager step = manager.newSubManager()) {
            assertThatThrownBy(() -> SpectralShift.matrix("x.weight", new Shape(4, 6), factors(svd, step),
                    step.zeros(new Shape(6, 4)), true))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base weight of 'x.weight'");
        }
    }

    private static float[] fullFormula(ThinSvd svd, float[] delta, NDManager step) {
        int k = svd.rank();
        NDArray u = step.create(svd.u(), new Shape(svd.m(), k));
        NDArray vh = step.create(svd.vh(), new Shape(k, svd.n()));
        return u.mul(Activation.relu(step.create(svd.s()).add(step.create(delta)))).matMul(vh).toFloatArray();
    }

    private static float[] lowRank(int m, int n, int rank, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] a = new double[m * rank];
        double[] b = new double[rank * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextDouble() * 2 - 1;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextDouble() * 2 - 1;
        }
        float[] w = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double v = 0;
                for (int r = 0; r < rank; r++) {
                    v += a[i * rank + r] * b[r * n + j];
                }
                w[i * n + j] = (float) v;
            }
        }
        return w;
    }
}
