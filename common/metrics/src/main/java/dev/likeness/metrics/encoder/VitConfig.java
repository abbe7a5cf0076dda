package dev.likeness.metrics.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.engine.model.JsonConfig;
import dev.likeness.engine.nn.ActivationFunction;

/**
 * The fields of a Hugging Face {@code ViTModel} {@code config.json} (as {@code facebook/dino-vits16}), with
 * transformers' defaults for absent ones.
 *
 * @param untrained {@code "likeness_untrained": true} in the config: random weights, meaningless metrics
 */
public record VitConfig(int hidden, int layers, int heads, int intermediate, ActivationFunction act, float eps,
                        int imageSize, int patchSize, int numChannels, boolean qkvBias, boolean untrained) {

    public VitConfig {
        if (heads <= 0 || hidden % heads != 0) {
            throw new IllegalArgumentException("ViT config: hidden_size " + hidden
                    + " is not divisible by num_attention_heads " + heads);
        }
        if (patchSize <= 0 || imageSize % patchSize != 0) {
            throw new IllegalArgumentException("ViT config: image_size " + imageSize
                    + " is not a multiple of patch_size " + patchSize);
        }
    }

    public static VitConfig fromJson(JsonNode node, String source) {
        JsonConfig c = new JsonConfig(node, source);
        return new VitConfig(c.getInt("hidden_size", 768), c.getInt("num_hidden_layers", 12),
                c.getInt("num_attention_heads", 12), c.getInt("intermediate_size", 3072),
                ActivationFunction.fromName(c.getString("hidden_act", "gelu")),
                (float) c.getDouble("layer_norm_eps", 1e-12), c.getInt("image_size", 224), c.getInt("patch_size", 16),
                c.getInt("num_channels", 3), c.getBoolean("qkv_bias", true),
                c.getBoolean("likeness_untrained", false));
    }
}
