package dev.likeness.training.method.svdiff;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.likeness.engine.model.attention.AttentionProbeRecorder;
import dev.likeness.engine.testing.Golden;
import dev.likeness.training.PromptTokenizer;
import dev.likeness.training.TrainableTensor;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.TrainingModels;
import dev.likeness.training.data.PromptEmbeddings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class UnmixRegularizerTest {

    private static final int KEYS = 6;
    private static final UnmixRegularizer.Row ROW = new UnmixRegularizer.Row(new int[] {1, 2}, new int[] {4});

    @TempDir
    Path tmp;

    /**
     * A [1, heads, 4x4, KEYS] map: on the left half's queries all probability on {@code onLeft}'s tokens, on the
     * right half's on {@code onRight}'s (split evenly among them).
     */
    private static NDArray map(NDManager m, int heads, int[] onLeft, int[] onRight) {
        float[] p = new float[heads * 16 * KEYS];
        for (int h = 0; h < heads; h++) {
            for (int q = 0; q < 16; q++) {
                int[] keys = q % 4 < 2 ? onLeft : onRight;
                for (int k : keys) {
                    p[(h * 16 + q) * KEYS + k] = 1f / keys.length;
                }
            }
        }
        return m.create(p, new Shape(1, heads, 16, KEYS));
    }

    private static float loss(NDArray map) {
        return UnmixRegularizer.loss(List.of(map), List.of(ROW), 4, 4).getFloat();
    }

    @Test
    void zeroWhenEachIdentifierStaysOnItsHalfAndOneWhenItIsAllOnTheOther() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(loss(map(m, 2, ROW.left(), ROW.right()))).isZero();
            assertThat(loss(map(m, 2, ROW.right(), ROW.left()))).isCloseTo(1f, within(1e-6f));
            // V1 all on its own (left) half costs nothing; V2 attending to V1's tokens on the right: only V1's
            // outside region (the right half) has mass, A = 1 there → half the cells at 1 → 0.5
            assertThat(loss(map(m, 1, ROW.left(), ROW.left()))).isCloseTo(0.5f, within(1e-6f));
            // uniform over keys: A_V1 = 2/6, A_V2 = 1/6 everywhere → ((1/3)² + (1/6)²) / 2
            NDArray uniform = m.full(new Shape(1, 3, 16, KEYS), 1f / KEYS);
            assertThat(loss(uniform)).isCloseTo((1f / 9 + 1f / 36) / 2, within(1e-6f));
        }
    }

    @Test
    void unmixedRowsAndLayersAreAveragedAsDefined() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray bad = map(m, 2, ROW.right(), ROW.left());
            NDArray good = map(m, 2, ROW.left(), ROW.right());
            // a second row that is not mixed adds nothing, whatever its map
            NDArray two = bad.concat(bad, 0);
            assertThat(UnmixRegularizer.loss(List.of(two), List.of(ROW, UnmixRegularizer.Row.UNMIXED), 4, 4)
                    .getFloat()).isCloseTo(1f, within(1e-6f));
            assertThat(UnmixRegularizer.loss(List.of(two), List.of(UnmixRegularizer.Row.UNMIXED,
                    UnmixRegularizer.Row.UNMIXED), 4, 4).getFloat()).isZero();
            // mean over layers, each at its own resolution: an 8x8 layer (latent 8x8) and a 4x4 one (f = 2)
            NDArray fine = m.zeros(new Shape(1, 1, 64, KEYS));
            fine.set(new NDIndex(":, :, :, 1"), 1f); // V1 everywhere: its right half costs 1
            float both = UnmixRegularizer.loss(List.of(fine, good), List.of(ROW), 8, 8).getFloat();
            assertThat(both).isCloseTo((0.5f + 0f) / 2, within(1e-6f));
            assertThatThrownBy(() -> UnmixRegularizer.loss(List.of(m.zeros(new Shape(1, 1, 15, KEYS))),
                    List.of(ROW), 4, 4)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("15 queries");
        }
    }

    @Test
    void gridsAndHalfMasksFollowTheDownsamplers() {
        assertThat(UnmixRegularizer.grid(64, 16, 16)).containsExactly(2, 8, 8);
        assertThat(UnmixRegularizer.grid(6, 5, 3)).containsExactly(2, 3, 2); // ceil(5/2) x ceil(3/2)
        assertThat(UnmixRegularizer.grid(15, 5, 3)).containsExactly(1, 5, 3);
    }

    @Test
    void leftShareIsTheAreaOfEachColumnLeftOfTheCut() {
        // 5 latent columns, cut at 2.5; a 2x downsampled grid has columns [0,2) [2,4) [4,5)
        assertThat(UnmixRegularizer.leftShare(3, 2, 5)).containsExactly(1f, 0.25f, 0f);
        assertThat(UnmixRegularizer.leftShare(4, 1, 4)).containsExactly(1f, 1f, 0f, 0f);
    }

    @Test
    void findsMultiTokenIdentifiersInTheMixedPrompt() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            PromptTokenizer tok = TrainingModels.load(Golden.path("tiny-sd"), m).tokenizer();
            String prompt = CutMixUnmix.mixedPrompt("sks dog", "zwx sculpture");
            int[] left = UnmixRegularizer.positions(tok, prompt, "sks");
            int[] right = UnmixRegularizer.positions(tok, prompt, "zwx");
            long[] ids = tok.encode(prompt);
            long[] sks = tok.encode("sks");
            assertThat(left).isNotEmpty();
            for (int i = 0; i < left.length; i++) {
                assertThat(ids[left[i]]).isEqualTo(sks[1 + i]);
            }
            assertThat(right[0]).isGreaterThan(left[left.length - 1]);
            assertThatThrownBy(() -> UnmixRegularizer.positions(tok, prompt, "qqq"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'qqq'");
        }
    }

    @Test
    void theUnmixTermAloneGivesTheSpectralShiftsAGradient() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            TrainingConfig cfg = TrainingConfig.builder("svdiff").instancePrompt("a photo of sks dog")
                    .methodOption("svdiff.cache_dir", tmp.resolve("svd").toString()).build();
            SvdiffMethod method = new SvdiffMethod();
            method.attach(model, cfg, m);
            try {
                String prompt = CutMixUnmix.mixedPrompt("sks dog", "zwx sculpture");
                UnmixRegularizer.Row row = new UnmixRegularizer.Row(
                        UnmixRegularizer.positions(model.tokenizer(), prompt, "sks"),
                        UnmixRegularizer.positions(model.tokenizer(), prompt, "zwx"));
                Engine.getInstance().setRandomSeed(5);
                NDArray x = m.randomNormal(0, 1, new Shape(1, 4, 16, 16), DataType.FLOAT32);
                NDArray ehs = model.textEncoderFn().encode(PromptEmbeddings.inputIds(model, List.of(prompt), m));
                float value;
                try (AttentionProbeRecorder r = AttentionProbeRecorder.install(model.unet());
                     GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    model.denoiser().predict(x, m.create(new long[] {400}), ehs);
                    NDArray l = UnmixRegularizer.loss(r.maps().values(), List.of(row), 16, 16);
                    value = l.getFloat();
                    gc.backward(l);
                }
                System.out.printf("unmix loss of the base tiny-sd on a mixed prompt: %.4g%n", value);
                assertThat(value).isPositive().isLessThan(1f);
                long withGradient = 0;
                double squares = 0;
                for (TrainableTensor t : method.trainables()) {
                    try (NDArray g = t.array().getGradient()) {
                        if (g.abs().sum().getFloat() > 0) {
                            withGradient++;
                        }
                        squares += g.square().sum().getFloat();
                    }
                }
                System.out.printf("gradient norm of L_unmix (unweighted) over the shifts: %.3g%n", Math.sqrt(squares));
                // the term depends on everything before the cross-attention softmaxes (not on ff/proj_out after the
                // last of them, nor the up path below it): many but not all shifts
                System.out.printf("%d of %d spectral shifts get a gradient from the unmix term%n", withGradient,
                        method.trainables().size());
                assertThat(withGradient).isGreaterThan(10);
                assertThat(method.trainables().stream().filter(t -> t.name().contains("attn2.to_k"))).allSatisfy(t -> {
                    try (NDArray g = t.array().getGradient()) {
                        assertThat(g.abs().sum().getFloat()).as(t.name()).isPositive();
                    }
                });
            } finally {
                method.detach();
            }
        }
    }
}
