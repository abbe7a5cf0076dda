package dev.likeness.worldmodels.dino;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Both losses against values worked out by hand on orthogonal embeddings. */
class LossesTest {

    @Test
    void contrastiveLossOfTwoOrthogonalIdentities() {
        try (NDManager m = NDManager.newBaseManager()) {
            // rows 0,2 = identity A along x (lengths differ: only directions count), rows 1,3 = B along y
            float[] e = {1, 0, 0, 2, 3, 0, 0, 1};
            SupConLoss.Result r = SupConLoss.compute(m.create(e, new Shape(4, 2)), 1f);
            // each row: partner cosine 1, two others 0, itself excluded -> -log(e / (e + 2))
            assertThat(r.loss().getFloat()).isCloseTo((float) Math.log(1 + 2 / Math.E), Offset.offset(1e-6f));
            assertThat(r.accuracy()).isEqualTo(1f);
        }
    }

    @Test
    void prototypeLossOfMatchingAndSwappedLabels() {
        try (NDManager m = NDManager.newBaseManager()) {
            var emb = m.create(new float[] {2, 0, 0, 3}, new Shape(2, 2));
            var protos = m.create(new float[] {5, 0, 0, 0.5f}, new Shape(2, 2));
            SupConLoss.Result right = PrototypeLoss.compute(emb, protos, new int[] {0, 1}, 0.5f);
            // logits (cos / 0.5): right class 2, other 0
            assertThat(right.loss().getFloat()).isCloseTo((float) Math.log(1 + Math.exp(-2)), Offset.offset(1e-6f));
            assertThat(right.accuracy()).isEqualTo(1f);
            SupConLoss.Result wrong = PrototypeLoss.compute(emb, protos, new int[] {1, 0}, 0.5f);
            assertThat(wrong.loss().getFloat()).isCloseTo((float) Math.log(1 + Math.exp(2)), Offset.offset(1e-5f));
            assertThat(wrong.accuracy()).isZero();
            assertThatThrownBy(() -> PrototypeLoss.compute(emb, protos, new int[] {0, 2}, 0.5f))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label 2");
        }
    }
}
