package dev.likeness.engine.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.model.ModelWeights;
import dev.likeness.engine.nn.Module;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * transformers' {@code CLIPTextModel}, the Stable Diffusion text encoder. Keys start with {@code text_model.} as in
 * the checkpoint ({@code text_model.encoder.layers.0.self_attn.q_proj.weight}).
 */
public final class ClipTextModel extends Module {

    private final ClipTextTransformer textModel;

    public ClipTextModel(ClipTextConfig config) {
        this.textModel = child("text_model", new ClipTextTransformer(config));
    }

    /**
     * Loads a transformers {@code text_encoder} folder ({@code config.json} + {@code model.safetensors}) into
     * {@code manager}. The legacy {@code position_ids} buffer some checkpoints carry is ignored.
     */
    public static ClipTextModel load(Path folder, NDManager manager) {
        ClipTextModel model = new ClipTextModel(ClipTextConfig.read(folder.resolve("config.json")));
        Path weights = folder.resolve("model.safetensors");
        if (!Files.isRegularFile(weights)) {
            throw new IllegalArgumentException("text encoder folder " + folder + " has no model.safetensors");
        }
        ModelWeights.load(model, weights, manager, "", k -> k.endsWith("embeddings.position_ids"));
        return model;
    }

    /**
     * Encodes token ids.
     *
     * @param inputIds {@code [batch, length]} int64
     * @return last hidden state {@code [batch, length, hidden]}, pooled output {@code [batch, hidden]}, and no
     *         per-layer hidden states
     */
    public ClipTextOutput forward(NDArray inputIds) {
        return textModel.forward(inputIds, false);
    }

    /** As {@link #forward(NDArray)}, optionally keeping every layer's hidden state {@code [batch, length, hidden]}. */
    public ClipTextOutput forward(NDArray inputIds, boolean keepHiddenStates) {
        return textModel.forward(inputIds, keepHiddenStates);
    }

    public ClipTextConfig config() {
        return textModel.config();
    }

    public ClipTextTransformer textModel() {
        return textModel;
    }
}
