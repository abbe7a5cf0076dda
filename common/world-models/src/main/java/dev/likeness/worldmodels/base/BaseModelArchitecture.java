package dev.likeness.worldmodels.base;

import dev.likeness.engine.model.JsonConfig;
import dev.likeness.engine.model.clip.ClipTextConfig;
import dev.likeness.engine.model.unet.UNetConfig;

/**
 * The shapes of the world base model: a UNet over 16×16×4 latents (the world VAE's 32×32 images) and a CLIP text
 * encoder over the world tokenizer's 1024 ids, trained jointly from random initialisation.
 *
 * @param unet        {@code UNet2DConditionModel}; {@code cross_attention_dim} equals the text encoder's hidden size
 * @param textEncoder {@code CLIPTextModel}
 */
public record BaseModelArchitecture(UNetConfig unet, ClipTextConfig textEncoder) {

    public BaseModelArchitecture {
        for (int d : unet.crossAttentionDim()) {
            if (d != textEncoder.hiddenSize()) {
                throw new IllegalArgumentException("UNet cross_attention_dim " + unet.crossAttentionDim()
                        + " must equal the text encoder hidden_size " + textEncoder.hiddenSize());
            }
        }
    }

    /**
     * The shipped world-sd shapes: UNet block_out_channels [64, 128], cross-attention at both levels (colour and
     * position must reach the lower level), one resnet per level, 4 heads; CLIP hidden 128, 3 layers, 4 heads,
     * 32 positions (the world-sd tokenizer pads prompts to {@link WorldSdFolder#MAX_PROMPT_TOKENS}); sample_size 16,
     * the shipped factor-2 VAE's latent side on 32 px images.
     */
    public static BaseModelArchitecture worldSd() {
        return worldSd(16);
    }

    /** The world-sd shapes for latents of side {@code sampleSize} (16 for the shipped factor-2 VAE, 8 for factor 4). */
    public static BaseModelArchitecture worldSd(int sampleSize) {
        return of(64, 128, 1, 3, sampleSize);
    }

    /**
     * These shapes with another text encoder, e.g. the text tower of a CLIP trained beforehand (its hidden size must
     * equal the UNet's {@code cross_attention_dim}).
     */
    public BaseModelArchitecture withTextEncoder(ClipTextConfig text) {
        return new BaseModelArchitecture(unet, text);
    }

    /** A smaller variant for tests: UNet [32, 64], CLIP hidden 64, 1 layer. */
    public static BaseModelArchitecture tiny() {
        return of(32, 64, 1, 1);
    }

    /**
     * UNet block_out_channels {@code [channels, 2·channels]} with {@code layersPerBlock} resnets per level, CLIP
     * hidden size {@code hidden} (= cross_attention_dim) with {@code textLayers} layers.
     */
    public static BaseModelArchitecture of(int channels, int hidden, int layersPerBlock, int textLayers) {
        return of(channels, hidden, layersPerBlock, textLayers, 8);
    }

    /**
     * As {@link #of(int, int, int, int)} for latents of side {@code sampleSize} (the UNet's {@code sample_size}: 16
     * for the shipped factor-2 VAE on 32 px images, 8 for a factor-4 VAE).
     */
    public static BaseModelArchitecture of(int channels, int hidden, int layersPerBlock, int textLayers,
                                           int sampleSize) {
        UNetConfig unet = UNetConfig.from(JsonConfig.of("""
                {"sample_size": %d, "in_channels": 4, "out_channels": 4,
                 "block_out_channels": [%d, %d], "layers_per_block": %d,
                 "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D"],
                 "up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
                 "mid_block_type": "UNetMidBlock2DCrossAttn",
                 "cross_attention_dim": %d, "attention_head_dim": 4, "norm_num_groups": 32,
                 "flip_sin_to_cos": true, "freq_shift": 0, "act_fn": "silu"}"""
                .formatted(sampleSize, channels, 2 * channels, layersPerBlock, hidden)));
        ClipTextConfig text = ClipTextConfig.from(JsonConfig.of("""
                {"vocab_size": 1024, "hidden_size": %d, "intermediate_size": %d, "num_hidden_layers": %d,
                 "num_attention_heads": 4, "max_position_embeddings": %d, "hidden_act": "quick_gelu",
                 "layer_norm_eps": 1e-05, "bos_token_id": 1022, "eos_token_id": 1023, "pad_token_id": 1023,
                 "projection_dim": %d}""".formatted(hidden, 4 * hidden, textLayers, WorldSdFolder.MAX_PROMPT_TOKENS,
                hidden)));
        return new BaseModelArchitecture(unet, text);
    }
}
