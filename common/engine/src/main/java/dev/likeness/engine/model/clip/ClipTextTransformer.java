package dev.likeness.engine.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.LayerNorm;
import dev.likeness.engine.nn.Module;

import java.util.ArrayList;
import java.util.List;

/** transformers' {@code CLIPTextTransformer}: embeddings, causal encoder, {@code final_layer_norm}, pooling. */
public final class ClipTextTransformer extends Module {

    private final ClipTextConfig config;
    private final ClipTextEmbeddings embeddings;
    private final ClipEncoder encoder;
    private final LayerNorm finalLayerNorm;

    public ClipTextTransformer(ClipTextConfig config) {
        this.config = config;
        this.embeddings = child("embeddings", new ClipTextEmbeddings(config.vocabSize(), config.hiddenSize(),
                config.maxPositionEmbeddings()));
        this.encoder = child("encoder", new ClipEncoder(config.numHiddenLayers(), config.hiddenSize(),
                config.numAttentionHeads(), config.intermediateSize(), config.activation(),
                (float) config.layerNormEps(), true));
        this.finalLayerNorm = child("final_layer_norm", new LayerNorm(config.hiddenSize(),
                (float) config.layerNormEps()));
    }

    /** See {@link ClipTextModel#forward}. */
    public ClipTextOutput forward(NDArray inputIds, boolean keepHiddenStates) {
        Shape s = inputIds.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("input_ids must be [batch, length] but got " + s);
        }
        if (inputIds.getDataType() != DataType.INT64 && inputIds.getDataType() != DataType.INT32) {
            throw new IllegalArgumentException("input_ids must be int64 but got " + inputIds.getDataType());
        }
        long[] ids;
        if (inputIds.getDataType() == DataType.INT64) {
            ids = inputIds.toLongArray();
        } else {
            try (NDArray wide = inputIds.toType(DataType.INT64, true)) {
                ids = wide.toLongArray();
            }
        }
        // tokens added at run time (Textual Inversion) are served by an override of the token table that has more
        // rows than the config's vocabulary; the lookup itself rejects ids beyond that table
        long rows = embeddings.tokenEmbedding().weight().isOverridden() ? Long.MAX_VALUE : config.vocabSize();
        for (long id : ids) {
            if (id < 0 || id >= rows) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, "
                        + config.vocabSize() + ")");
            }
        }
        List<NDArray> hidden = keepHiddenStates ? new ArrayList<>() : null;
        NDArray emb = embeddings.forward(inputIds);
        if (hidden != null) {
            hidden.add(emb);
        }
        NDArray last = encoder.forward(emb, hidden);
        if (hidden == null) {
            emb.close();
        }
        NDArray out = finalLayerNorm.forward(last);
        if (hidden == null) {
            last.close();
        }
        NDArray pooled = pool(out, ids, (int) s.get(0), (int) s.get(1));
        return new ClipTextOutput(out, pooled, hidden == null ? List.of() : hidden);
    }

    /**
     * The row of the end-of-text token: with the legacy {@code eos_token_id == 2} configs transformers takes
     * {@code argmax(input_ids)} (end-of-text is the largest id in CLIP's vocabulary), else the first position whose id
     * equals {@code eos_token_id}.
     */
    private NDArray pool(NDArray lastHidden, long[] ids, int batch, int length) {
        NDList rows = new NDList(batch);
        try {
            for (int b = 0; b < batch; b++) {
                int best = 0;
                if (config.eosTokenId() == 2) {
                    for (int i = 1; i < length; i++) {
                        if (ids[b * length + i] > ids[b * length + best]) {
                            best = i;
                        }
                    }
                } else {
                    for (int i = 0; i < length; i++) {
                        if (ids[b * length + i] == config.eosTokenId()) {
                            best = i;
                            break;
                        }
                    }
                }
                rows.add(lastHidden.get(b, best));
            }
            return NDArrays.stack(rows);
        } finally {
            rows.close();
        }
    }

    public ClipTextConfig config() {
        return config;
    }

    public ClipTextEmbeddings embeddings() {
        return embeddings;
    }

    public ClipEncoder encoder() {
        return encoder;
    }
}
