package dev.likeness.metrics.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.LayerNorm;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ActivationFunction;
import dev.likeness.engine.nn.ScaledDotProductAttention;
import dev.likeness.engine.nn.ModuleList;
import dev.likeness.engine.nn.Parameter;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Hugging Face {@code ViTModel} without pooler, as used for the DreamBooth DINO metric ({@code facebook/dino-vits16}):
 * the embedding of an image is the CLS token of {@code last_hidden_state}, after the final LayerNorm. Module paths
 * equal the checkpoint keys ({@code encoder.layer.0.attention.attention.query.weight}).
 */
public final class DinoVit extends Module implements AutoCloseable {

    /** {@code embeddings}: CLS token, patch conv with bias, learned positions. */
    static final class Embeddings extends Module {
        private final Parameter clsToken;
        private final Parameter positions;
        private final Conv2d projection;
        private final int hidden;

        Embeddings(VitConfig cfg) {
            this.hidden = cfg.hidden();
            int grid = cfg.imageSize() / cfg.patchSize();
            this.clsToken = parameter("cls_token", new Shape(1, 1, hidden));
            Container patches = child("patch_embeddings", new Container());
            this.projection = patches.add("projection", new Conv2d(cfg.numChannels(), hidden, cfg.patchSize(),
                    cfg.patchSize(), 0, true));
            this.positions = parameter("position_embeddings", new Shape(1, grid * grid + 1L, hidden));
        }

        NDArray forward(NDArray pixels) {
            long b = pixels.getShape().get(0);
            NDArray tokens = projection.forward(pixels).reshape(b, hidden, -1).transpose(0, 2, 1);
            NDArray cls = clsToken.value().broadcast(b, 1, hidden);
            return NDArrays.concat(new NDList(cls, tokens), 1).add(positions.value());
        }
    }

    /** One pre-LN ViT block ({@code encoder.layer.N}). */
    static final class Layer extends Module {
        private final LayerNorm before;
        private final Linear query;
        private final Linear key;
        private final Linear value;
        private final Linear attnOut;
        private final LayerNorm after;
        private final Linear intermediate;
        private final Linear output;
        private final int heads;
        private final ActivationFunction act;
        private final float scale;

        Layer(VitConfig cfg) {
            int h = cfg.hidden();
            this.heads = cfg.heads();
            this.act = cfg.act();
            this.scale = (float) (1.0 / Math.sqrt((double) h / cfg.heads()));
            Container attention = child("attention", new Container());
            Container self = attention.add("attention", new Container());
            this.query = self.add("query", new Linear(h, h, cfg.qkvBias()));
            this.key = self.add("key", new Linear(h, h, cfg.qkvBias()));
            this.value = self.add("value", new Linear(h, h, cfg.qkvBias()));
            this.attnOut = attention.add("output", new Container()).add("dense", new Linear(h, h, true));
            this.intermediate = child("intermediate", new Container()).add("dense",
                    new Linear(h, cfg.intermediate(), true));
            this.output = child("output", new Container()).add("dense", new Linear(cfg.intermediate(), h, true));
            this.before = child("layernorm_before", new LayerNorm(h, cfg.eps()));
            this.after = child("layernorm_after", new LayerNorm(h, cfg.eps()));
        }

        NDArray forward(NDArray x) {
            NDArray n = before.forward(x);
            NDArray q = ScaledDotProductAttention.splitHeads(query.forward(n), heads);
            NDArray k = ScaledDotProductAttention.splitHeads(key.forward(n), heads);
            NDArray v = ScaledDotProductAttention.splitHeads(value.forward(n), heads);
            NDArray ctx = ScaledDotProductAttention.mergeHeads(ScaledDotProductAttention.attend(q, k, v, scale, null),
                    heads);
            NDArray h = x.add(attnOut.forward(ctx));
            return h.add(output.forward(act.apply(intermediate.forward(after.forward(h)))));
        }
    }

    private final VitConfig cfg;
    private final Embeddings embeddings;
    private final ModuleList<Layer> layers;
    private final LayerNorm layernorm;
    private NDManager weights;

    /** Builds the module tree without weights. */
    public DinoVit(VitConfig cfg) {
        this.cfg = cfg;
        this.embeddings = child("embeddings", new Embeddings(cfg));
        this.layers = child("encoder", new Container()).list("layer");
        for (int i = 0; i < cfg.layers(); i++) {
            layers.add(new Layer(cfg));
        }
        this.layernorm = child("layernorm", new LayerNorm(cfg.hidden(), cfg.eps()));
    }

    /**
     * Loads a Hugging Face ViT folder; pooler weights, if present, are ignored (the DINO embedding does not use
     * them) and a {@code vit.} prefix is stripped.
     */
    public static DinoVit load(Path folder) throws IOException {
        DinoVit model = new DinoVit(VitConfig.fromJson(CheckpointLoader.config(folder),
                folder.resolve("config.json").toString()));
        model.weights = NDManager.newBaseManager();
        try {
            CheckpointLoader.load(model, folder, model.weights,
                    k -> k.startsWith("pooler.") || k.endsWith(".position_ids"), "vit.");
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    public VitConfig config() {
        return cfg;
    }

    /**
     * @param pixelValues {@code [batch, 3, imageSize, imageSize]}
     * @return {@code hidden_states} ({@code layers + 1} arrays {@code [batch, tokens, hidden]}) followed by
     *         {@code last_hidden_state} (after the final LayerNorm), in {@code pixelValues}' manager
     */
    public NDList forward(NDArray pixelValues) {
        try (NDScope scope = new NDScope()) {
            NDList out = hiddenStates(pixelValues);
            out.add(layernorm.forward(out.get(out.size() - 1)));
            for (NDArray a : out) {
                ClipModel.keep(a, pixelValues.getManager());
            }
            return out;
        }
    }

    /**
     * The DINO embedding: {@code last_hidden_state[:, 0]}.
     *
     * @param pixelValues {@code [batch, 3, imageSize, imageSize]}
     * @return {@code [batch, hidden]} in {@code pixelValues}' manager
     */
    public NDArray cls(NDArray pixelValues) {
        try (NDScope scope = new NDScope()) {
            NDList hs = hiddenStates(pixelValues);
            NDArray cls = layernorm.forward(hs.get(hs.size() - 1).get(":, 0, :"));
            return ClipModel.keep(cls, pixelValues.getManager());
        }
    }

    private NDList hiddenStates(NDArray pixels) {
        Shape s = pixels.getShape();
        if (s.dimension() != 4 || s.get(1) != cfg.numChannels() || s.get(2) != cfg.imageSize()
                || s.get(3) != cfg.imageSize()) {
            // position embeddings are not interpolated: the processor must produce the configured size
            throw new IllegalArgumentException("ViT expects [batch, " + cfg.numChannels() + ", " + cfg.imageSize()
                    + ", " + cfg.imageSize() + "] but got " + s);
        }
        NDList out = new NDList();
        NDArray x = embeddings.forward(pixels);
        out.add(x);
        for (Layer layer : layers.items()) {
            x = layer.forward(x);
            out.add(x);
        }
        return out;
    }

    @Override
    public void close() {
        if (weights != null) {
            weights.close();
            weights = null;
        }
    }
}
