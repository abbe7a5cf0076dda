package dev.likeness.metrics.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.model.clip.ClipTextOutput;
import dev.likeness.engine.model.clip.ClipTextTransformer;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Module;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Hugging Face {@code CLIPModel} for inference: {@code vision_model}, {@code text_model}, {@code visual_projection},
 * {@code text_projection} and {@code logit_scale}, with module paths equal to the checkpoint keys. Owns its weights
 * in its own manager; every call's intermediates are closed before it returns and the result lands in the input's
 * manager.
 */
public final class ClipModel extends Module implements AutoCloseable {

    private final ClipConfig cfg;
    private final ClipTextTransformer text;
    private final ClipVisionTransformer vision;
    private final Linear visualProjection;
    private final Linear textProjection;
    private NDManager weights;

    /** Builds the module tree without weights. */
    public ClipModel(ClipConfig cfg) {
        this.cfg = cfg;
        this.text = child("text_model", new ClipTextTransformer(cfg.text()));
        this.vision = child("vision_model", new ClipVisionTransformer(cfg.vision()));
        this.visualProjection = child("visual_projection", new Linear(cfg.vision().hidden(), cfg.projectionDim(),
                false));
        this.textProjection = child("text_projection", new Linear(cfg.text().hiddenSize(), cfg.projectionDim(),
                false));
        parameter("logit_scale", new Shape());
    }

    /** Loads {@code config.json} + {@code model.safetensors} from a Hugging Face CLIP folder. */
    public static ClipModel load(Path folder) throws IOException {
        ClipModel model = new ClipModel(ClipConfig.fromJson(CheckpointLoader.config(folder),
                folder.resolve("config.json").toString()));
        model.weights = NDManager.newBaseManager();
        try {
            CheckpointLoader.load(model, folder, model.weights, k -> k.endsWith(".position_ids"), "");
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    public ClipConfig config() {
        return cfg;
    }

    /**
     * {@code get_image_features}: {@code visual_projection(post_layernorm(CLS))}.
     *
     * @param pixelValues {@code [batch, 3, imageSize, imageSize]} float32
     * @return {@code [batch, projectionDim]} in {@code pixelValues}' manager
     */
    public NDArray imageEmbeds(NDArray pixelValues) {
        try (NDScope scope = new NDScope()) {
            NDList hs = vision.hiddenStates(pixelValues);
            NDArray out = visualProjection.forward(vision.pooled(hs.get(hs.size() - 1)));
            return keep(out, pixelValues.getManager());
        }
    }

    /**
     * {@code get_text_features}: {@code text_projection(final_layer_norm(hidden)[eos])}.
     *
     * @param inputIds {@code [batch, tokens]} int64, each row holding an end-of-text token
     * @return {@code [batch, projectionDim]} in {@code inputIds}' manager
     */
    public NDArray textEmbeds(NDArray inputIds) {
        requireEndOfText(inputIds);
        try (NDScope scope = new NDScope()) {
            ClipTextOutput t = text.forward(inputIds, false);
            NDArray out = textProjection.forward(t.pooledOutput());
            return keep(out, inputIds.getManager());
        }
    }

    /**
     * Vision internals for parity checks.
     *
     * @return {@code hidden_states} ({@code layers + 1} arrays {@code [batch, tokens, hidden]}) followed by
     *         {@code pooler_output [batch, hidden]}, in {@code pixelValues}' manager
     */
    public NDList visionOutputs(NDArray pixelValues) {
        try (NDScope scope = new NDScope()) {
            NDList hs = vision.hiddenStates(pixelValues);
            NDList out = new NDList(hs);
            out.add(vision.pooled(hs.get(hs.size() - 1)));
            for (NDArray a : out) {
                keep(a, pixelValues.getManager());
            }
            return out;
        }
    }

    /**
     * Text internals for parity checks: {@code last_hidden_state [batch, tokens, hidden]} and
     * {@code pooler_output [batch, hidden]}, in {@code inputIds}' manager. Padding is not masked beyond the causal
     * mask, so states after the end-of-text token differ from transformers' with an {@code attention_mask}; the pooled
     * state (at end-of-text) does not.
     */
    public NDList textOutputs(NDArray inputIds) {
        try (NDScope scope = new NDScope()) {
            ClipTextOutput t = text.forward(inputIds, false);
            return new NDList(keep(t.lastHiddenState(), inputIds.getManager()),
                    keep(t.pooledOutput(), inputIds.getManager()));
        }
    }

    /** Every row must contain the end-of-text token (the engine would otherwise pool position 0). */
    private void requireEndOfText(NDArray inputIds) {
        long eos = cfg.text().eosTokenId();
        if (eos == 2 || inputIds.getShape().dimension() != 2) {
            return; // argmax pooling, or a shape error the text tower reports
        }
        long[] ids = inputIds.toLongArray();
        int t = (int) inputIds.getShape().get(1);
        for (int r = 0; r < ids.length / Math.max(t, 1); r++) {
            boolean found = false;
            for (int i = 0; i < t && !found; i++) {
                found = ids[r * t + i] == eos;
            }
            if (!found) {
                throw new IllegalArgumentException("input_ids row " + r + " has no end-of-text token " + eos
                        + " (tokenize with the model's tokenizer, padding to max_length)");
            }
        }
    }

    static NDArray keep(NDArray a, NDManager owner) {
        NDScope.unregister(a);
        a.attach(owner);
        return a;
    }

    @Override
    public void close() {
        if (weights != null) {
            weights.close();
            weights = null;
        }
    }
}
