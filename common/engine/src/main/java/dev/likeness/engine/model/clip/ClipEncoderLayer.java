package dev.likeness.engine.model.clip;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.ActivationFunction;
import dev.likeness.engine.nn.LayerNorm;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Temporaries;

/**
 * One pre-norm transformer layer of CLIP (text or vision tower): {@code x + self_attn(layer_norm1(x))}, then
 * {@code x + mlp(layer_norm2(x))}. Keys: {@code self_attn.*}, {@code layer_norm1.*}, {@code mlp.fc1/fc2.*},
 * {@code layer_norm2.*}.
 */
public final class ClipEncoderLayer extends Module {

    private final ClipAttention selfAttn;
    private final LayerNorm layerNorm1;
    private final ClipMlp mlp;
    private final LayerNorm layerNorm2;

    public ClipEncoderLayer(long hidden, int heads, long intermediate, ActivationFunction act, float eps) {
        this.selfAttn = child("self_attn", new ClipAttention(hidden, heads));
        this.layerNorm1 = child("layer_norm1", new LayerNorm(hidden, eps));
        this.mlp = child("mlp", new ClipMlp(hidden, intermediate, act));
        this.layerNorm2 = child("layer_norm2", new LayerNorm(hidden, eps));
    }

    /**
     * @param x    {@code [batch, length, hidden]}
     * @param mask additive attention mask (see {@link ClipAttention#forward}) or {@code null}
     * @return {@code [batch, length, hidden]}
     */
    public NDArray forward(NDArray x, NDArray mask) {
        try (Temporaries t = new Temporaries()) {
            NDArray n1 = t.add(layerNorm1.forward(x));
            NDArray a = t.add(selfAttn.forward(n1, mask));
            NDArray h = t.add(x.add(a));
            NDArray n2 = t.add(layerNorm2.forward(h));
            NDArray m = t.add(mlp.forward(n2));
            return h.add(m);
        }
    }
}
