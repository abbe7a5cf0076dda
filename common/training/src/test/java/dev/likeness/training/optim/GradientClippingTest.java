package dev.likeness.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GradientClippingTest {

    @Test
    void clipsByTheGlobalNormLikeTorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {3, 0});
            NDArray b = m.create(new float[] {0, 4, 0});
            float total = GradientClipping.clipGlobalNorm(List.of(a, b), 1f);
            assertThat(total).isCloseTo(5f, within(1e-6f));
            float coef = 1f / (5f + 1e-6f);
            assertThat(a.toFloatArray()[0]).isCloseTo(3 * coef, within(1e-7f));
            assertThat(b.toFloatArray()[1]).isCloseTo(4 * coef, within(1e-7f));
        }
    }

    @Test
    void leavesSmallGradientsAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {0.3f, 0.4f});
            assertThat(GradientClipping.clipGlobalNorm(List.of(a), 1f)).isCloseTo(0.5f, within(1e-7f));
            assertThat(a.toFloatArray()).containsExactly(0.3f, 0.4f);
        }
    }
}
