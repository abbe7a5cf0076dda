package dev.likeness.engine.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** libtorch's fused attention kernel against the composed matmul/softmax/matmul path: values and gradients. */
class FusedAttentionTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        Engine.getInstance().setRandomSeed(7);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void theKernelLoadsFromTheGeneratedArchive() {
        assertThat(FusedAttention.available()).isTrue();
    }

    @Test
    void fusedMatchesComposedForSelfAndCrossAttention() {
        // self-attention (the UNet's 16x16 level), cross-attention with 77 text tokens, a non-default scale
        check(2, 64, 64, 4, 16, 0.25f);
        check(2, 40, 77, 8, 8, (float) Math.pow(8, -0.5));
        check(1, 33, 5, 2, 24, 0.3f);
    }

    private void check(int b, int lq, int lk, int heads, int d, float scale) {
        NDArray q = manager.randomNormal(new Shape(b, lq, heads * d));
        NDArray k = manager.randomNormal(new Shape(b, lk, heads * d));
        NDArray v = manager.randomNormal(new Shape(b, lk, heads * d));
        NDArray w = manager.randomNormal(new Shape(b, lq, heads * d));
        for (NDArray a : new NDArray[] {q, k, v}) {
            a.setRequiresGradient(true);
        }
        NDArray[] fused = run(q, k, v, w, () -> ScaledDotProductAttention.attendHeads(q, k, v, heads, scale));
        NDArray[] composed = run(q, k, v, w, () -> ScaledDotProductAttention.mergeHeads(ScaledDotProductAttention
                .attend(ScaledDotProductAttention.splitHeads(q, heads), ScaledDotProductAttention.splitHeads(k, heads),
                        ScaledDotProductAttention.splitHeads(v, heads), scale, null), heads));
        assertThat(fused[0].getShape()).isEqualTo(new Shape(b, lq, heads * d));
        for (int i = 0; i < fused.length; i++) {
            float diff = fused[i].sub(composed[i]).abs().max().getFloat();
            assertThat(diff).as("output/grad q/k/v #" + i).isLessThan(2e-5f);
        }
    }

    /** Output and the gradients of sum(output * w) with respect to q, k, v. */
    private static NDArray[] run(NDArray q, NDArray k, NDArray v, NDArray w,
                                 java.util.function.Supplier<NDArray> attention) {
        for (NDArray a : new NDArray[] {q, k, v}) {
            JniUtils.zeroGrad((PtNDArray) a);
        }
        NDArray out;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            out = attention.get();
            gc.backward(out.mul(w).sum());
        }
        return new NDArray[] {out, q.getGradient(), k.getGradient(), v.getGradient()};
    }

    @Test
    void misShapedInputsAreRejected() {
        NDArray q = manager.zeros(new Shape(1, 4, 6));
        NDArray k = manager.zeros(new Shape(1, 5, 8));
        assertThatThrownBy(() -> ScaledDotProductAttention.attendHeads(q, k, k, 2, 1f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 heads");
    }
}
