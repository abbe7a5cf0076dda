package dev.likeness.metrics.encoder;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fields of a Hugging Face {@code CLIPModel} {@code config.json} that shape the network.
 *
 * @param untrained the folder says its weights are random ({@code "likeness_untrained": true}), so the metrics it
 *                  produces carry no meaning
 */
public record ClipConfig(Tower vision, Tower text, int projectionDim, int imageSize, int patchSize, int numChannels,
                         int vocabSize, int maxPositions, long eosTokenId, boolean untrained) {

    /** One transformer tower. */
    public record Tower(int hidden, int layers, int heads, int intermediate, Activation act, float eps) {
        static Tower from(JsonNode n, String where) {
            return new Tower(req(n, "hidden_size", where), req(n, "num_hidden_layers", where),
                    req(n, "num_attention_heads", where), req(n, "intermediate_size", where),
                    Activation.fromConfig(n.path("hidden_act").asText("quick_gelu")),
                    (float) n.path("layer_norm_eps").asDouble(1e-5));
        }
    }

    public static ClipConfig fromJson(JsonNode c) {
        JsonNode v = c.get("vision_config");
        JsonNode t = c.get("text_config");
        if (v == null || t == null) {
            throw new IllegalArgumentException("CLIP config.json needs 'vision_config' and 'text_config'");
        }
        return new ClipConfig(Tower.from(v, "vision_config"), Tower.from(t, "text_config"),
                c.path("projection_dim").asInt(512), req(v, "image_size", "vision_config"),
                req(v, "patch_size", "vision_config"), v.path("num_channels").asInt(3),
                req(t, "vocab_size", "text_config"), t.path("max_position_embeddings").asInt(77),
                t.path("eos_token_id").asLong(2), c.path("likeness_untrained").asBoolean(false));
    }

    static int req(JsonNode n, String field, String where) {
        JsonNode f = n.get(field);
        if (f == null || !f.canConvertToInt()) {
            throw new IllegalArgumentException(where + "." + field + " is missing or not an integer");
        }
        return f.asInt();
    }
}
