package dev.likeness.engine.model.clip;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.engine.model.JsonConfig;
import dev.likeness.engine.nn.ActivationFunction;

import java.nio.file.Path;

/**
 * The fields of transformers' {@code CLIPTextConfig} that shape the text encoder, with transformers' defaults for
 * absent ones.
 */
public record ClipTextConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int maxPositionEmbeddings,
        String hiddenAct,
        double layerNormEps,
        int bosTokenId,
        int eosTokenId,
        int padTokenId,
        int projectionDim) {

    public ClipTextConfig {
        if (vocabSize <= 0 || hiddenSize <= 0 || intermediateSize <= 0 || numHiddenLayers <= 0
                || maxPositionEmbeddings <= 0) {
            throw new IllegalArgumentException("CLIP text config sizes must be positive: " + this);
        }
        if (numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("CLIP text config: hidden_size " + hiddenSize
                    + " is not divisible by num_attention_heads " + numAttentionHeads);
        }
        ActivationFunction.fromName(hiddenAct);
    }

    public static ClipTextConfig read(Path configJson) {
        return from(JsonConfig.read(configJson));
    }

    public static ClipTextConfig from(JsonConfig c) {
        return new ClipTextConfig(
                c.getInt("vocab_size", 49408),
                c.getInt("hidden_size", 512),
                c.getInt("intermediate_size", 2048),
                c.getInt("num_hidden_layers", 12),
                c.getInt("num_attention_heads", 8),
                c.getInt("max_position_embeddings", 77),
                c.getString("hidden_act", "quick_gelu"),
                c.getDouble("layer_norm_eps", 1e-5),
                c.getInt("bos_token_id", 49406),
                c.getInt("eos_token_id", 49407),
                c.getInt("pad_token_id", 1),
                c.getInt("projection_dim", 512));
    }

    public ActivationFunction activation() {
        return ActivationFunction.fromName(hiddenAct);
    }

    /** transformers' config.json for this configuration. */
    public ObjectNode toJson() {
        ObjectNode o = JsonConfig.object();
        o.putArray("architectures").add("CLIPTextModel");
        o.put("attention_dropout", 0.0);
        o.put("bos_token_id", bosTokenId);
        o.put("eos_token_id", eosTokenId);
        o.put("hidden_act", hiddenAct);
        o.put("hidden_size", hiddenSize);
        o.put("initializer_factor", 1.0);
        o.put("initializer_range", 0.02);
        o.put("intermediate_size", intermediateSize);
        o.put("layer_norm_eps", layerNormEps);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("model_type", "clip_text_model");
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("pad_token_id", padTokenId);
        o.put("projection_dim", projectionDim);
        o.put("torch_dtype", "float32");
        o.put("vocab_size", vocabSize);
        return o;
    }
}
