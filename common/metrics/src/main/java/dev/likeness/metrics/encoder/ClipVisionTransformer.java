package dev.likeness.metrics.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.model.clip.ClipEncoder;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.Embedding;
import dev.likeness.engine.nn.LayerNorm;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Parameter;

import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's vision tower ({@code vision_model.*}): patch embedding, {@code pre_layrnorm}, the engine's bidirectional
 * {@link ClipEncoder}, {@code post_layernorm} on the CLS token.
 */
final class ClipVisionTransformer extends Module {

    /** {@code embeddings}: CLS vector, patch conv without bias, learned positions. */
    static final class Embeddings extends Module {
        private final Parameter classEmbedding;
        private final Conv2d patch;
        private final Embedding position;
        private final int hidden;

        Embeddings(ClipConfig.Vision cfg) {
            this.hidden = cfg.hidden();
            this.classEmbedding = parameter("class_embedding", new Shape(hidden));
            this.patch = child("patch_embedding", new Conv2d(cfg.numChannels(), hidden, cfg.patchSize(),
                    cfg.patchSize(), 0, false));
            this.position = child("position_embedding", new Embedding(cfg.tokens(), hidden));
        }

        /** {@code [batch, 3, size, size]} → {@code [batch, tokens, hidden]}. */
        NDArray forward(NDArray pixels) {
            long b = pixels.getShape().get(0);
            NDArray tokens = patch.forward(pixels).reshape(b, hidden, -1).transpose(0, 2, 1);
            NDArray cls = classEmbedding.value().reshape(1, 1, hidden).broadcast(b, 1, hidden);
            return NDArrays.concat(new NDList(cls, tokens), 1).add(position.weight().value());
        }
    }

    private final ClipConfig.Vision cfg;
    private final Embeddings embeddings;
    private final LayerNorm preNorm;
    private final ClipEncoder encoder;
    private final LayerNorm postNorm;

    ClipVisionTransformer(ClipConfig.Vision cfg) {
        this.cfg = cfg;
        this.embeddings = child("embeddings", new Embeddings(cfg));
        this.preNorm = child("pre_layrnorm", new LayerNorm(cfg.hidden(), cfg.eps()));
        this.encoder = child("encoder", new ClipEncoder(cfg.layers(), cfg.hidden(), cfg.heads(), cfg.intermediate(),
                cfg.act(), cfg.eps(), false));
        this.postNorm = child("post_layernorm", new LayerNorm(cfg.hidden(), cfg.eps()));
    }

    /**
     * Runs inside the caller's {@link ai.djl.ndarray.NDScope}.
     *
     * @param pixels {@code [batch, 3, imageSize, imageSize]}
     * @return {@code layers + 1} hidden states {@code [batch, tokens, hidden]}: after pre-LN, then after each layer
     */
    NDList hiddenStates(NDArray pixels) {
        Shape s = pixels.getShape();
        if (s.dimension() != 4 || s.get(1) != cfg.numChannels() || s.get(2) != cfg.imageSize()
                || s.get(3) != cfg.imageSize()) {
            throw new IllegalArgumentException("CLIP vision expects [batch, " + cfg.numChannels() + ", "
                    + cfg.imageSize() + ", " + cfg.imageSize() + "] but got " + s);
        }
        NDArray x = preNorm.forward(embeddings.forward(pixels));
        List<NDArray> layers = new ArrayList<>();
        encoder.forward(x, layers);
        NDList out = new NDList(x);
        out.addAll(layers);
        return out;
    }

    /** {@code post_layernorm(last_hidden_state[:, 0])}: {@code [batch, hidden]}. */
    NDArray pooled(NDArray lastHidden) {
        return postNorm.forward(lastHidden.get(":, 0, :"));
    }
}
