package dev.likeness.engine.model.attention;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.likeness.engine.model.unet.UNet2DConditionModel;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.engine.testing.Golden;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttentionProbeRecorderTest {

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

    private static NDArray[] inputs(NDManager m) {
        Engine.getInstance().setRandomSeed(3);
        return new NDArray[] {m.randomNormal(0, 1, new Shape(2, 4, 8, 8), DataType.FLOAT32),
            m.create(new long[] {10, 700}), m.randomNormal(0, 1, new Shape(2, 77, 32), DataType.FLOAT32)};
    }

    @Test
    void recordsRowStochasticMapsPerCrossAttentionLayerWithoutChangingTheOutput() {
        try (NDManager m = manager.newSubManager()) {
            NDArray[] in = inputs(m);
            float[] before = unet.forward(in[0], in[1], in[2]).toFloatArray();
            float[] recorded;
            Map<String, Shape> shapes = new LinkedHashMap<>();
            try (AttentionProbeRecorder r = AttentionProbeRecorder.install(unet)) {
                long cross = unet.namedModules().values().stream()
                        .filter(x -> x instanceof Attention a && a.isCrossAttention()).count();
                assertThat(r.layerCount()).isEqualTo((int) cross).isPositive();
                recorded = unet.forward(in[0], in[1], in[2]).toFloatArray();
                assertThat(r.maps()).hasSize((int) cross);
                for (Map.Entry<String, NDArray> e : r.maps().entrySet()) {
                    assertThat(e.getKey()).endsWith(".attn2");
                    Shape s = e.getValue().getShape();
                    shapes.put(e.getKey(), s);
                    assertThat(s.dimension()).isEqualTo(4);
                    assertThat(s.get(0)).isEqualTo(2);
                    assertThat(s.get(3)).isEqualTo(77);
                    float[] sums = e.getValue().sum(new int[] {3}).toFloatArray();
                    assertThat(sums.length).isEqualTo((int) (s.get(0) * s.get(1) * s.get(2)));
                    for (float v : sums) {
                        assertThat(Math.abs(v - 1f)).as(e.getKey() + " row sum").isLessThan(1e-5f);
                    }
                    assertThat(e.getValue().min().getFloat()).isGreaterThanOrEqualTo(0f);
                }
                // the queries are the layer's feature map: tiny-sd cross-attends only below its one downsampler, 4x4
                assertThat(shapes.values()).allSatisfy(s -> assertThat(s.get(2)).isEqualTo(16L));
                Attention first = (Attention) unet.namedModules().get(shapes.keySet().iterator().next());
                assertThat(shapes.values()).allSatisfy(s -> assertThat(s.get(1)).isEqualTo(first.heads()));
            }
            float maxDiff = 0;
            for (int i = 0; i < before.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(before[i] - recorded[i]));
            }
            System.out.printf("recorded vs fused UNet output: max abs diff %.3g%n", maxDiff);
            assertThat(maxDiff).isLessThanOrEqualTo(1e-6f);
            // uninstalled: bit-identical to before
            assertThat(unet.forward(in[0], in[1], in[2]).toFloatArray()).containsExactly(before);
        }
    }

    @Test
    void recordedMapsCarryGradientsToTheWeights() {
        Parameter toK = unet.namedParameters().get("down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight");
        assertThat(toK).isNotNull();
        Map<String, Boolean> trainable = new HashMap<>();
        unet.namedParameters().forEach((k, p) -> {
            trainable.put(k, p.isTrainable());
            p.setTrainable(k.equals("down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight"));
        });
        try (NDManager m = manager.newSubManager(); AttentionProbeRecorder r = AttentionProbeRecorder.install(unet);
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray[] in = inputs(m);
            unet.forward(in[0], in[1], in[2]).close();
            NDArray map = r.maps().get("down_blocks.1.attentions.0.transformer_blocks.0.attn2");
            // the attention paid to token 1 only: its gradient must reach to_k through the recorded map
            NDArray loss = map.get(":, :, :, 1").square().sum();
            gc.backward(loss);
            try (NDArray g = toK.array().getGradient()) {
                assertThat(g.abs().sum().getFloat()).isGreaterThan(0f);
                g.subi(g).close();
            }
        } finally {
            unet.namedParameters().forEach((k, p) -> p.setTrainable(trainable.get(k)));
        }
    }

    @Test
    void oneRecorderPerModelAndUninstallOnClose() {
        try (AttentionProbeRecorder r = AttentionProbeRecorder.install(unet)) {
            assertThatThrownBy(() -> AttentionProbeRecorder.install(unet))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already has");
        }
        AttentionProbeRecorder.install(unet).close(); // the first close uninstalled everything
        FeedForward ff = new FeedForward(8, 4);
        assertThatThrownBy(() -> AttentionProbeRecorder.install(ff))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no cross-attention layer");
    }
}
