package dev.likeness.metrics.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.Embedding;
import dev.likeness.engine.nn.LayerNorm;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ModuleList;

/** CLIP's text tower ({@code text_model.*}): token + position embeddings, causal encoder, final LayerNorm. */
final class ClipTextTransformer extends Module {

    /** {@code embeddings}: token table and learned positions. */
    static final class Embeddings extends Module {
        private final Embedding token;
        private final Embedding position;

        Embeddings(ClipConfig cfg) {
            this.token = child("token_embedding", new Embedding(cfg.vocabSize(), cfg.text().hidden()));
            this.position = child("position_embedding", new Embedding(cfg.maxPositions(), cfg.text().hidden()));
        }

        NDArray forward(NDArray ids) {
            long t = ids.getShape().get(1);
            return token.forward(ids).add(position.weight().value().get(new NDIndex("0:{}", t)));
        }
    }

    private final ClipConfig cfg;
    private final Embeddings embeddings;
    private final ModuleList<ClipEncoderLayer> layers;
    private final LayerNorm finalNorm;

    ClipTextTransformer(ClipConfig cfg) {
        this.cfg = cfg;
        this.embeddings = child("embeddings", new Embeddings(cfg));
        Container encoder = child("encoder", new Container());
        this.layers = encoder.list("layers");
        for (int i = 0; i < cfg.text().layers(); i++) {
            layers.add(new ClipEncoderLayer(cfg.text()));
        }
        this.finalNorm = child("final_layer_norm", new LayerNorm(cfg.text().hidden(), cfg.text().eps()));
    }

    /**
     * @param ids           {@code [batch, tokens]} int64, tokens ≤ max_position_embeddings
     * @param attentionMask {@code [batch, tokens]} 0/1, or null; it changes only the hidden states at padding
     *                      positions, never the pooled end-of-text state (the causal mask already hides padding)
     * @return {@code [batch, tokens, hidden]} after the final LayerNorm
     */
    NDArray lastHiddenState(NDArray ids, NDArray attentionMask) {
        Shape s = ids.getShape();
        if (s.dimension() != 2 || s.get(1) > cfg.maxPositions()) {
            throw new IllegalArgumentException("CLIP text expects [batch, tokens<=" + cfg.maxPositions()
                    + "] ids but got " + s);
        }
        if (attentionMask != null && !attentionMask.getShape().equals(s)) {
            throw new IllegalArgumentException("attention_mask " + attentionMask.getShape() + " does not match ids " + s);
        }
        NDArray keyMask = attentionMask == null ? null : MultiHeadAttention.keyMask(attentionMask);
        NDArray x = embeddings.forward(ids);
        for (ClipEncoderLayer layer : layers.items()) {
            x = layer.forward(x, true, keyMask);
        }
        return finalNorm.forward(x);
    }

    /**
     * The hidden state at each row's end-of-text token: the first {@code eos_token_id}, or {@code argmax(ids)} for
     * old configs that say {@code eos_token_id: 2} (as transformers does).
     *
     * @return {@code [batch, hidden]}
     */
    NDArray pooled(NDArray lastHidden, NDArray ids) {
        long[] flat = ids.toLongArray();
        int b = (int) ids.getShape().get(0);
        int t = (int) ids.getShape().get(1);
        NDList rows = new NDList();
        for (int r = 0; r < b; r++) {
            int at = -1;
            if (cfg.eosTokenId() == 2) {
                long best = Long.MIN_VALUE;
                for (int i = 0; i < t; i++) {
                    if (flat[r * t + i] > best) {
                        best = flat[r * t + i];
                        at = i;
                    }
                }
            } else {
                for (int i = 0; i < t && at < 0; i++) {
                    if (flat[r * t + i] == cfg.eosTokenId()) {
                        at = i;
                    }
                }
            }
            if (at < 0) {
                throw new IllegalArgumentException("input_ids row " + r + " has no end-of-text token "
                        + cfg.eosTokenId());
            }
            rows.add(lastHidden.get(r, at));
        }
        return NDArrays.stack(rows, 0);
    }
}
