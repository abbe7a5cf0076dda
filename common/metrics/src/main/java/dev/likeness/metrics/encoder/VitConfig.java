package dev.likeness.metrics.encoder;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fields of a Hugging Face {@code ViTModel} {@code config.json} (as {@code facebook/dino-vits16}).
 *
 * @param untrained {@code "likeness_untrained": true} in the config: random weights, meaningless metrics
 */
public record VitConfig(int hidden, int layers, int heads, int intermediate, Activation act, float eps,
                        int imageSize, int patchSize, int numChannels, boolean qkvBias, boolean untrained) {

    public static VitConfig fromJson(JsonNode c) {
        return new VitConfig(ClipConfig.req(c, "hidden_size", "config"), ClipConfig.req(c, "num_hidden_layers", "config"),
                ClipConfig.req(c, "num_attention_heads", "config"), ClipConfig.req(c, "intermediate_size", "config"),
                Activation.fromConfig(c.path("hidden_act").asText("gelu")),
                (float) c.path("layer_norm_eps").asDouble(1e-12), ClipConfig.req(c, "image_size", "config"),
                ClipConfig.req(c, "patch_size", "config"), c.path("num_channels").asInt(3),
                c.path("qkv_bias").asBoolean(true), c.path("likeness_untrained").asBoolean(false));
    }
}
