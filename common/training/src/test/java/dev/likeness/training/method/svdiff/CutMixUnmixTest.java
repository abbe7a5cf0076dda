package dev.likeness.training.method.svdiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CutMixUnmixTest {

    private static final CutMixUnmix.Subject DOG = new CutMixUnmix.Subject("sks", "dog");
    private static final CutMixUnmix.Subject SCULPTURE = new CutMixUnmix.Subject("zwx", "sculpture");

    @Test
    void mixesCentralStripsSideBySide() {
        try (NDManager m = NDManager.newBaseManager()) {
            // image a: value = column index; image b: value = 100 + column index
            float[] a = new float[2 * 3 * 8];
            float[] b = new float[2 * 3 * 8];
            for (int i = 0; i < a.length; i++) {
                a[i] = i % 8;
                b[i] = 100 + i % 8;
            }
            NDArray mixed = CutMixUnmix.mix(m.create(a, new Shape(2, 3, 8)), m.create(b, new Shape(2, 3, 8)));
            assertThat(mixed.getShape()).isEqualTo(new Shape(2, 3, 8));
            float[] row = mixed.get("0, 0").toFloatArray();
            assertThat(row).containsExactly(2, 3, 4, 5, 102, 103, 104, 105);
            assertThatThrownBy(() -> CutMixUnmix.mix(m.zeros(new Shape(3, 4, 4)), m.zeros(new Shape(3, 4, 6))))
                    .hasMessageContaining("one shape");
        }
    }

    @Test
    void mixesWithTheConfiguredProbabilityAndBothOrientations() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.ones(new Shape(3, 4, 4));
            NDArray b = m.zeros(new Shape(3, 4, 4));
            CutMixUnmix aug = new CutMixUnmix(CutMixUnmix.DEFAULT_PROBABILITY, 7);
            int mixed = 0;
            int aLeft = 0;
            for (int i = 0; i < 500; i++) {
                try (NDManager step = m.newSubManager()) {
                    CutMixUnmix.Sample s = aug.instance(a, DOG, b, SCULPTURE);
                    s.pixels().attach(step);
                    if (s.mixed()) {
                        mixed++;
                        if (s.left() == 0) {
                            aLeft++;
                            assertThat(s.prompt()).isEqualTo(
                                    "photo of a sks dog on the left and a zwx sculpture on the right");
                            assertThat(s.pixels().get("0, 0, 0").getFloat()).isEqualTo(1f);
                        } else {
                            assertThat(s.prompt()).isEqualTo(
                                    "photo of a zwx sculpture on the left and a sks dog on the right");
                            assertThat(s.pixels().get("0, 0, 0").getFloat()).isEqualTo(0f);
                        }
                    } else {
                        assertThat(s.prompt()).isEqualTo("a photo of a sks dog");
                    }
                }
            }
            assertThat(mixed).isBetween(260, 340);
            assertThat(aLeft).isBetween(mixed / 2 - 40, mixed / 2 + 40);
            CutMixUnmix.Sample prior = new CutMixUnmix(1f, 1).prior(a, DOG, b, SCULPTURE);
            assertThat(prior.prompt()).isIn("photo of a dog on the left and a sculpture on the right",
                    "photo of a sculpture on the left and a dog on the right");
        }
    }

    @Test
    void isDeterministicPerSeedAndGivesHalfMasks() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.ones(new Shape(3, 4, 4));
            NDArray b = m.zeros(new Shape(3, 4, 4));
            StringBuilder first = new StringBuilder();
            StringBuilder second = new StringBuilder();
            CutMixUnmix x = new CutMixUnmix(0.6f, 3);
            CutMixUnmix y = new CutMixUnmix(0.6f, 3);
            for (int i = 0; i < 20; i++) {
                first.append(x.instance(a, DOG, b, SCULPTURE).prompt());
                second.append(y.instance(a, DOG, b, SCULPTURE).prompt());
            }
            assertThat(first.toString()).isEqualTo(second.toString());
        }
        assertThat(CutMixUnmix.halfMask(2, 4, true)).containsExactly(1, 1, 0, 0, 1, 1, 0, 0);
        assertThat(CutMixUnmix.halfMask(1, 4, false)).containsExactly(0, 0, 1, 1);
    }
}
