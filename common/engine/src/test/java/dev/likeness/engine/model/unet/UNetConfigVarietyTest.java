package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.model.JsonConfig;
import dev.likeness.engine.model.clip.ClipTextConfig;
import dev.likeness.engine.model.vae.VaeConfig;
import dev.likeness.engine.random.RandomInit;
import dev.likeness.engine.random.TinyModelGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Config-driven assembly beyond tiny-sd: random weights, save, strict reload, identical outputs. */
class UNetConfigVarietyTest {

    /** SD 2.x style: per-block head counts, linear projections, 3 blocks, 1 layer per block. */
    static final String SD2_STYLE = """
            {"block_out_channels": [32, 64, 64], "layers_per_block": 1,
             "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
             "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
             "attention_head_dim": [2, 4, 8], "use_linear_projection": true, "cross_attention_dim": 48,
             "norm_num_groups": 16, "upcast_attention": true, "sample_size": 16}""";

    /** Four blocks, explicit num_attention_heads, two transformer layers, scale-shift time embedding. */
    static final String FOUR_BLOCKS = """
            {"block_out_channels": [16, 32, 32, 48], "layers_per_block": [1, 2, 1, 1],
             "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                                  "DownBlock2D"],
             "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
             "num_attention_heads": 2, "attention_head_dim": 99, "transformer_layers_per_block": 2,
             "cross_attention_dim": 48, "norm_num_groups": 8, "resnet_time_scale_shift": "scale_shift",
             "center_input_sample": true, "freq_shift": 1, "flip_sin_to_cos": false, "time_embedding_dim": 40}""";

    private static final ClipTextConfig TEXT = ClipTextConfig.from(JsonConfig.of("""
            {"hidden_size": 48, "intermediate_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
             "vocab_size": 1000, "eos_token_id": 2}"""));
    private static final VaeConfig VAE = VaeConfig.from(JsonConfig.of("""
            {"block_out_channels": [16, 32], "norm_num_groups": 8,
             "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D"],
             "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D"]}"""));

    @ParameterizedTest
    @ValueSource(strings = {SD2_STYLE, FOUR_BLOCKS})
    void generatedWeightsSaveAndReloadToIdenticalOutputs(String json, @TempDir Path dir) {
        UNetConfig config = UNetConfig.from(JsonConfig.of(json));
        Path folder = TinyModelGenerator.write(dir.resolve("m"),
                new TinyModelGenerator.Spec(config, VAE, TEXT), 11);
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet2DConditionModel fresh = new UNet2DConditionModel(config);
            RandomInit.initialize(fresh, 11, manager);
            UNet2DConditionModel loaded = UNet2DConditionModel.load(folder.resolve("unet"), manager);
            assertThat(loaded.config()).isEqualTo(config);
            assertThat(loaded.namedParameters().keySet()).isEqualTo(fresh.namedParameters().keySet());
            try (NDManager step = manager.newSubManager()) {
                NDArray sample = step.randomNormal(new Shape(2, 4, 16, 16));
                NDArray ctx = step.randomNormal(new Shape(2, 7, 48));
                NDArray t = step.create(new long[] {3, 977});
                NDArray a = fresh.forward(sample, t, ctx);
                NDArray b = loaded.forward(sample, t, ctx);
                assertThat(a.getShape()).isEqualTo(new Shape(2, 4, 16, 16));
                assertThat(a.isNaN().any().getBoolean() || a.isInfinite().any().getBoolean()).isFalse();
                assertThat(a.abs().max().getFloat()).isGreaterThan(0f);
                assertThat(b.contentEquals(a)).as("reloaded model gives bit-identical output").isTrue();
            }
        }
    }

    @Test
    void sizesNotDivisibleByTheDownsamplingFactorUpsampleToTheSkipSize() {
        UNetConfig config = UNetConfig.from(JsonConfig.of(SD2_STYLE));
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = new UNet2DConditionModel(config);
            RandomInit.initialize(unet, 5, manager);
            NDArray sample = manager.randomNormal(new Shape(1, 4, 18, 14));
            NDArray out = unet.forward(sample, manager.create(10f), manager.randomNormal(new Shape(1, 5, 48)));
            assertThat(out.getShape()).isEqualTo(new Shape(1, 4, 18, 14));
        }
    }

    @Test
    void perBlockHeadsFollowDiffusersNaming() {
        UNetConfig sd2 = UNetConfig.from(JsonConfig.of(SD2_STYLE));
        assertThat(sd2.heads()).containsExactly(2, 4, 8);
        UNetConfig four = UNetConfig.from(JsonConfig.of(FOUR_BLOCKS));
        assertThat(four.heads()).containsExactly(2, 2, 2, 2);
        // down_blocks.1 has 64 channels and 4 heads: to_q maps 64 -> 64 (head size 16)
        UNet2DConditionModel unet = new UNet2DConditionModel(sd2);
        assertThat(unet.namedParameters().get("down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight")
                .shape()).isEqualTo(new Shape(64, 48));
        assertThat(unet.namedParameters().get("down_blocks.0.attentions.0.proj_in.weight").shape())
                .isEqualTo(new Shape(32, 32));
    }

    @Test
    void unsupportedOrInconsistentConfigsFailByName() {
        assertThatThrownBy(() -> UNetConfig.from(JsonConfig.of("""
                {"block_out_channels": [32, 64], "down_block_types": ["DownBlock2D", "SimpleCrossAttnDownBlock2D"],
                 "up_block_types": ["UpBlock2D", "UpBlock2D"]}""")))
                .hasMessageContaining("SimpleCrossAttnDownBlock2D");
        assertThatThrownBy(() -> UNetConfig.from(JsonConfig.of("""
                {"block_out_channels": [32, 64], "down_block_types": ["DownBlock2D", "DownBlock2D"],
                 "up_block_types": ["UpBlock2D", "UpBlock2D"], "class_embed_type": "timestep"}""")))
                .hasMessageContaining("class_embed_type");
        assertThatThrownBy(() -> UNetConfig.from(JsonConfig.of("""
                {"block_out_channels": [32, 64], "down_block_types": ["DownBlock2D", "DownBlock2D"],
                 "up_block_types": ["UpBlock2D", "UpBlock2D"], "attention_head_dim": [8, 8, 8]}""")))
                .hasMessageContaining("attention_head_dim");
        assertThatThrownBy(() -> UNetConfig.from(JsonConfig.of("""
                {"block_out_channels": [32, 48], "down_block_types": ["DownBlock2D", "DownBlock2D"],
                 "up_block_types": ["UpBlock2D", "UpBlock2D"], "attention_head_dim": 5}""")))
                .hasMessageContaining("not divisible");
    }
}
