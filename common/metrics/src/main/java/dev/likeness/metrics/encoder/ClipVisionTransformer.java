package dev.likeness.metrics.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.Embedding;
import dev.likeness.engine.nn.LayerNorm;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ModuleList;
import dev.likeness.engine.nn.Parameter;

/** CLIP's vision tower ({@code vision_model.*}): patch embedding, pre-LN, encoder, post-LN on the CLS token. */
final class ClipVisionTransformer extends Module {

    /** {@code embeddings}: CLS vector, patch conv without bias, learned positions. */
    static final class Embeddings extends Module {
        private final Parameter classEmbedding;
        private final Conv2d patch;
        private final Embedding position;
        private final int hidden;

        Embeddings(ClipConfig cfg) {
            this.hidden = cfg.vision().hidden();
            int patches = (cfg.imageSize() / cfg.patchSize()) * (cfg.imageSize() / cfg.patchSize());
            this.classEmbedding = parameter("class_embedding", new Shape(hidden));
            this.patch = child("patch_embedding", new Conv2d(cfg.numChannels(), hidden, cfg.patchSize(),
                    cfg.patchSize(), 0, false));
            this.position = child("position_embedding", new Embedding(patches + 1L, hidden));
        }

        NDArray forward(NDArray pixels) {
            long b = pixels.getShape().get(0);
            NDArray p = patch.forward(pixels); // [b, hidden, gh, gw]
            NDArray tokens = p.reshape(b, hidden, -1).transpose(0, 2, 1);
            NDArray cls = classEmbedding.value().reshape(1, 1, hidden).broadcast(b, 1, hidden);
            NDArray x = NDArrays.concat(new NDList(cls, tokens), 1);
            return x.add(position.weight().value());
        }
    }

    private final ClipConfig cfg;
    private final Embeddings embeddings;
    private final LayerNorm preNorm;
    private final ModuleList<ClipEncoderLayer> layers;
    private final LayerNorm postNorm;

    ClipVisionTransformer(ClipConfig cfg) {
        this.cfg = cfg;
        this.embeddings = child("embeddings", new Embeddings(cfg));
        this.preNorm = child("pre_layrnorm", new LayerNorm(cfg.vision().hidden(), cfg.vision().eps()));
        Container encoder = child("encoder", new Container());
        this.layers = encoder.list("layers");
        for (int i = 0; i < cfg.vision().layers(); i++) {
            layers.add(new ClipEncoderLayer(cfg.vision()));
        }
        this.postNorm = child("post_layernorm", new LayerNorm(cfg.vision().hidden(), cfg.vision().eps()));
    }

    /**
     * @param pixels {@code [batch, 3, imageSize, imageSize]}
     * @return hidden states {@code [layers + 1] x [batch, tokens, hidden]}: after pre-LN, then after each layer
     */
    NDList hiddenStates(NDArray pixels) {
        Shape s = pixels.getShape();
        if (s.dimension() != 4 || s.get(1) != cfg.numChannels() || s.get(2) != cfg.imageSize()
                || s.get(3) != cfg.imageSize()) {
            throw new IllegalArgumentException("CLIP vision expects [batch, " + cfg.numChannels() + ", "
                    + cfg.imageSize() + ", " + cfg.imageSize() + "] but got " + s);
        }
        NDList out = new NDList();
        NDArray x = preNorm.forward(embeddings.forward(pixels));
        out.add(x);
        for (ClipEncoderLayer layer : layers.items()) {
            x = layer.forward(x, false, null);
            out.add(x);
        }
        return out;
    }

    /** {@code post_layernorm(last_hidden_state[:, 0])}: {@code [batch, hidden]}. */
    NDArray pooled(NDArray lastHidden) {
        return postNorm.forward(lastHidden.get(":, 0, :"));
    }
}
