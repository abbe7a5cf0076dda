package dev.likeness.metrics.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.engine.model.JsonConfig;
import dev.likeness.engine.model.clip.ClipTextConfig;
import dev.likeness.engine.nn.ActivationFunction;

/**
 * The fields of a Hugging Face {@code CLIPModel} {@code config.json} that shape the network. The text tower's fields
 * are the engine's {@link ClipTextConfig}.
 *
 * @param untrained the folder says its weights are random ({@code "likeness_untrained": true}), so the metrics it
 *                  produces carry no meaning
 */
public record ClipConfig(Vision vision, ClipTextConfig text, int projectionDim, boolean untrained) {

    /** The vision tower ({@code vision_config}). */
    public record Vision(int hidden, int layers, int heads, int intermediate, ActivationFunction act, float eps,
                         int imageSize, int patchSize, int numChannels) {
        static Vision from(JsonConfig v) {
            return new Vision(v.getInt("hidden_size", 768), v.getInt("num_hidden_layers", 12),
                    v.getInt("num_attention_heads", 12), v.getInt("intermediate_size", 3072),
                    ActivationFunction.fromName(v.getString("hidden_act", "quick_gelu")),
                    (float) v.getDouble("layer_norm_eps", 1e-5), v.getInt("image_size", 224),
                    v.getInt("patch_size", 32), v.getInt("num_channels", 3));
        }

        /** Patches plus the class token. */
        public int tokens() {
            int grid = imageSize / patchSize;
            return grid * grid + 1;
        }
    }

    public static ClipConfig fromJson(JsonNode c, String source) {
        JsonNode v = c.get("vision_config");
        JsonNode t = c.get("text_config");
        if (v == null || t == null) {
            throw new IllegalArgumentException(source + ": a CLIP config.json needs 'vision_config' and 'text_config'");
        }
        return new ClipConfig(Vision.from(new JsonConfig(v, source + "#vision_config")),
                ClipTextConfig.from(new JsonConfig(t, source + "#text_config")),
                c.path("projection_dim").asInt(512), c.path("likeness_untrained").asBoolean(false));
    }
}
