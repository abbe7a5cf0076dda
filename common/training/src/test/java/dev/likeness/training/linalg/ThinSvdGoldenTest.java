package dev.likeness.training.linalg;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.training.method.svdiff.SpectralShift;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static dev.likeness.training.linalg.SvdTestSupport.factors;
import static dev.likeness.training.linalg.SvdTestSupport.relMax;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parity with the torch reference ({@code golden/spectral_shift.safetensors}): the SVD itself, the SVDiff
 * recomposition {@code U·diag(ReLU(S+δ))·Vh}, a forward pass through it and the gradient of an objective w.r.t. δ.
 */
class ThinSvdGoldenTest {

    private static SafeTensorsFile golden;
    private static NDManager manager;

    @BeforeAll
    static void open() throws Exception {
        golden = SafeTensorsFile.open(Path.of(ThinSvdGoldenTest.class.getResource("/golden/spectral_shift.safetensors")
                .toURI()));
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() throws Exception {
        manager.close();
        golden.close();
    }

    private NDArray g(String name) {
        return golden.load(name, manager);
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "conv"})
    void singularValuesAndVectorsMatchTorch(String which) {
        NDArray w = g(which + ".weight");
        int m = (int) w.getShape().get(0);
        int n = (int) (w.getShape().size() / m);
        ThinSvd svd = ThinSvd.of(w.toFloatArray(), m, n);
        int k = svd.rank();

        float[] s = g(which + ".S").toFloatArray();
        assertThat(relMax(svd.s(), s)).as("S").isLessThan(1e-4);
        float[] u = g(which + ".U").toFloatArray();
        float[] vh = g(which + ".Vh").toFloatArray();
        double worstU = 0;
        double worstV = 0;
        for (int c = 0; c < k; c++) {
            // singular vectors are unique up to sign: align each column with the reference first
            double dot = 0;
            for (int i = 0; i < m; i++) {
                dot += (double) svd.u()[i * k + c] * u[i * k + c];
            }
            float sign = dot < 0 ? -1f : 1f;
            for (int i = 0; i < m; i++) {
                worstU = Math.max(worstU, Math.abs(sign * svd.u()[i * k + c] - u[i * k + c]));
            }
            for (int j = 0; j < n; j++) {
                worstV = Math.max(worstV, Math.abs(sign * svd.vh()[c * n + j] - vh[c * n + j]));
            }
        }
        System.out.printf("%s: S rel %.2e, U %.2e, Vh %.2e (up to sign)%n", which, relMax(svd.s(), s), worstU, worstV);
        assertThat(worstU).as("U up to sign").isLessThan(1e-4);
        assertThat(worstV).as("Vh up to sign").isLessThan(1e-4);
        assertOrthonormalColumns(svd.u(), m, k);
        assertOrthonormalRows(svd.vh(), k, n);

        // reconstruction from our own factors at δ = 0 equals the weight
        try (NDManager step = manager.newSubManager()) {
            SpectralShift shift = SpectralShift.matrix(which + ".weight", w.getShape(), factors(svd, step), w);
            NDArray rec = shift.recompose(step.zeros(new Shape(k)), 1f);
            assertThat(relMax(rec.toFloatArray(), g(which + ".reconstructed_delta0").toFloatArray()))
                    .as("reconstruction at delta 0").isLessThan(1e-5);
            NDArray recDelta = shift.recompose(g(which + ".delta"), 1f);
            assertThat(relMax(recDelta.toFloatArray(), g(which + ".reconstructed").toFloatArray()))
                    .as("reconstruction with delta from own factors").isLessThan(1e-4);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "conv"})
    void recompositionForwardAndGradientMatchTorch(String which) {
        try (NDManager step = manager.newSubManager()) {
            NDArray wShape = g(which + ".weight");
            SpectralShift shift = SpectralShift.matrix(which + ".weight", wShape.getShape(),
                    new SpectralCache.Factors(g(which + ".U"), g(which + ".S"), g(which + ".Vh")), wShape);
            NDArray delta = g(which + ".delta");
            delta.setRequiresGradient(true);
            NDArray x = g(which + ".x");
            float objective;
            NDArray rec;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                rec = shift.recompose(delta, 1f);
                NDArray y = which.equals("linear")
                        ? ai.djl.nn.core.Linear.linear(x, rec, null).singletonOrThrow()
                        : dev.likeness.engine.nn.Conv2d.apply(x, rec, null, new Shape(1, 1), new Shape(1, 1));
                assertThat(relMax(y.toFloatArray(), g(which + ".y").toFloatArray())).as("y").isLessThan(1e-5);
                NDArray obj = y.square().mean();
                objective = obj.getFloat();
                gc.backward(obj);
            }
            assertThat(relMax(rec.toFloatArray(), g(which + ".reconstructed").toFloatArray()))
                    .as("reconstructed").isLessThan(1e-5);
            float expected = g(which + ".objective").getFloat();
            System.out.printf("%s: reconstructed %.2e, objective %.2e relative%n", which,
                    relMax(rec.toFloatArray(), g(which + ".reconstructed").toFloatArray()),
                    (double) Math.abs(objective - expected) / Math.abs(expected));
            assertThat((double) Math.abs(objective - expected) / Math.abs(expected)).as("objective")
                    .isLessThan(1e-5);
            try (NDArray grad = delta.getGradient()) {
                System.out.printf("%s: grad_delta %.2e relative to max%n", which,
                        relMax(grad.toFloatArray(), g(which + ".grad_delta").toFloatArray()));
                assertThat(relMax(grad.toFloatArray(), g(which + ".grad_delta").toFloatArray()))
                        .as("grad delta").isLessThan(1e-5);
            }
        }
    }


    private static void assertOrthonormalColumns(float[] u, int m, int k) {
        for (int a = 0; a < k; a++) {
            for (int b = a; b < k; b++) {
                double dot = 0;
                for (int i = 0; i < m; i++) {
                    dot += (double) u[i * k + a] * u[i * k + b];
                }
                assertThat(Math.abs(dot - (a == b ? 1 : 0))).as("U column %d·%d", a, b).isLessThan(1e-5);
            }
        }
    }

    private static void assertOrthonormalRows(float[] vh, int k, int n) {
        for (int a = 0; a < k; a++) {
            for (int b = a; b < k; b++) {
                double dot = 0;
                for (int j = 0; j < n; j++) {
                    dot += (double) vh[a * n + j] * vh[b * n + j];
                }
                assertThat(Math.abs(dot - (a == b ? 1 : 0))).as("Vh row %d·%d", a, b).isLessThan(1e-5);
            }
        }
    }
}
