package dev.likeness.engine.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.model.GoldenTensors;
import dev.likeness.engine.testing.Golden;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static dev.likeness.engine.model.GoldenTensors.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClipTextModelTest {

    private static final float TOL = 1e-4f;

    @Test
    void matchesTransformersOnGoldenPromptsAndRandomIds() throws Exception {
        Path folder = Golden.path("tiny-sd/text_encoder");
        try (NDManager manager = NDManager.newBaseManager();
             GoldenTensors golden = new GoldenTensors("clip_text.safetensors", manager)) {
            ClipTextModel model = ClipTextModel.load(folder, manager);
            assertThat(model.parameterCount()).isEqualTo(68_473L);
            try (NDManager step = manager.newSubManager()) {
                NDArray ids = golden.get("input_ids");
                ids.attach(step);
                try (ClipTextOutput out = model.forward(ids, true)) {
                    assertClose("last_hidden_state", out.lastHiddenState(), golden.get("last_hidden_state"), TOL);
                    assertClose("pooler_output", out.pooledOutput(), golden.get("pooler_output"), TOL);
                    NDArray hs = golden.get("hidden_states");
                    assertThat(out.hiddenStates()).hasSize(6);
                    for (int i = 0; i < 6; i++) {
                        assertClose("hidden_states[" + i + "]", out.hiddenStates().get(i), hs.get(i), TOL);
                    }
                }
                NDArray rand = golden.get("rand.input_ids");
                rand.attach(step);
                try (ClipTextOutput out = model.forward(rand)) {
                    assertClose("rand.last_hidden_state", out.lastHiddenState(),
                            golden.get("rand.last_hidden_state"), TOL);
                    assertClose("rand.pooler_output", out.pooledOutput(), golden.get("rand.pooler_output"), TOL);
                    assertThat(out.hiddenStates()).isEmpty();
                }
            }
        }
    }

    @Test
    void poolsTheFirstEndOfTextTokenWhenEosIsNotTheLegacyId() {
        ClipTextConfig config = ClipTextConfig.from(dev.likeness.engine.model.JsonConfig.of("""
                {"hidden_size": 16, "intermediate_size": 24, "num_attention_heads": 2, "num_hidden_layers": 2,
                 "vocab_size": 1000, "eos_token_id": 7, "hidden_act": "gelu"}"""));
        try (NDManager manager = NDManager.newBaseManager()) {
            ClipTextModel model = new ClipTextModel(config);
            dev.likeness.engine.random.RandomInit.initialize(model, 4, manager);
            NDArray ids = manager.create(new long[][] {{998, 5, 7, 999, 7}, {998, 7, 3, 3, 3}});
            try (ClipTextOutput out = model.forward(ids, true)) {
                assertThat(out.lastHiddenState().getShape()).isEqualTo(new ai.djl.ndarray.types.Shape(2, 5, 16));
                assertThat(out.hiddenStates()).hasSize(3);
                assertThat(out.pooledOutput().get(0).contentEquals(out.lastHiddenState().get(0, 2))).isTrue();
                assertThat(out.pooledOutput().get(1).contentEquals(out.lastHiddenState().get(1, 1))).isTrue();
            }
            // causal: changing a later token leaves earlier positions unchanged
            NDArray other = manager.create(new long[][] {{998, 5, 7, 999, 100}});
            try (ClipTextOutput a = model.forward(ids.get("0:1")); ClipTextOutput b = model.forward(other)) {
                assertThat(a.lastHiddenState().get(":, 0:4").contentEquals(b.lastHiddenState().get(":, 0:4")))
                        .isTrue();
                assertThat(a.lastHiddenState().get(":, 4").contentEquals(b.lastHiddenState().get(":, 4"))).isFalse();
            }
        }
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ClipTextModel model = ClipTextModel.load(Golden.path("tiny-sd/text_encoder"), manager);
            NDArray ids = manager.create(new long[][] {{998, 1000, 999}});
            assertThatThrownBy(() -> model.forward(ids))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1000");
        }
    }
}
