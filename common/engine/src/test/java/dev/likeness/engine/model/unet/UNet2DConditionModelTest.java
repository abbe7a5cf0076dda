package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.model.GoldenTensors;
import dev.likeness.engine.testing.Golden;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.likeness.engine.model.GoldenTensors.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

class UNet2DConditionModelTest {

    private static final float TOL = 1e-4f;
    private static NDManager manager;
    private static UNet2DConditionModel unet;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        unet = UNet2DConditionModel.load(Golden.path("tiny-sd/unet"), manager);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void tinySdHasDiffusersParameterAndKeyCounts() {
        assertThat(unet.parameterCount()).isEqualTo(1_427_012L);
        assertThat(unet.namedParameters()).hasSize(304);
        assertThat(unet.namedParameters()).containsKeys(
                "down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight",
                "down_blocks.1.attentions.0.transformer_blocks.0.ff.net.0.proj.weight",
                "down_blocks.1.attentions.0.transformer_blocks.0.ff.net.2.weight",
                "up_blocks.0.upsamplers.0.conv.weight", "down_blocks.0.downsamplers.0.conv.weight",
                "mid_block.attentions.0.proj_in.weight", "time_embedding.linear_2.bias");
    }

    @Test
    void matchesDiffusersOutputAndEveryIntermediate() throws Exception {
        try (NDManager step = manager.newSubManager();
             GoldenTensors g = new GoldenTensors("unet_forward.safetensors", step)) {
            Map<String, NDArray> inter = new LinkedHashMap<>();
            NDArray out = unet.forward(g.get("sample"), g.get("timestep"), g.get("encoder_hidden_states"), inter);
            assertThat(inter.keySet()).containsExactly("time_proj", "time_embedding", "conv_in", "down_blocks.0",
                    "down_blocks.1", "mid_block", "up_blocks.0", "up_blocks.1", "conv_norm_out");
            for (Map.Entry<String, NDArray> e : inter.entrySet()) {
                float err = assertClose(e.getKey(), e.getValue(), g.get("inter." + e.getKey()), TOL);
                System.out.printf("unet %-16s max abs err %.3g%n", e.getKey(), err);
            }
            float err = assertClose("out", out, g.get("out"), TOL);
            System.out.printf("unet out max abs err %.3g%n", err);
        }
    }

    @Test
    void matchesDiffusersWithScalarTimestep() throws Exception {
        try (NDManager step = manager.newSubManager();
             GoldenTensors g = new GoldenTensors("unet_forward.safetensors", step)) {
            NDArray t = g.get("case2.timestep");
            assertThat(t.getShape().dimension()).isZero();
            NDArray out = unet.forward(g.get("case2.sample"), t, g.get("case2.encoder_hidden_states"));
            float err = assertClose("case2.out", out, g.get("case2.out"), TOL);
            System.out.printf("unet case2 max abs err %.3g%n", err);
        }
    }

    @Test
    void forwardDoesNotLeakIntoTheWeightsManager() throws Exception {
        try (NDManager step = manager.newSubManager();
             GoldenTensors g = new GoldenTensors("unet_forward.safetensors", step)) {
            // getManagedArrays() also counts the arrays of sub-managers, so subtract the step's own
            int before = manager.getManagedArrays().size() - step.getManagedArrays().size();
            NDArray out = unet.forward(g.get("case2.sample"), g.get("case2.timestep"),
                    g.get("case2.encoder_hidden_states"));
            assertThat(out.getManager()).isSameAs(step);
            assertThat(manager.getManagedArrays().size() - step.getManagedArrays().size()).isEqualTo(before);
            int live = step.getManagedArrays().size();
            assertThat(live).as("arrays left in the step manager: inputs + output").isLessThanOrEqualTo(4);
        }
    }
}
