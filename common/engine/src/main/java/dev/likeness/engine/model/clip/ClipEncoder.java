package dev.likeness.engine.model.clip;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.ActivationFunction;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ModuleList;
import dev.likeness.engine.nn.ScaledDotProductAttention;

import java.util.List;

/**
 * The stack of {@link ClipEncoderLayer}s ({@code layers.N}), causal for the text tower and bidirectional for the
 * vision tower.
 */
public final class ClipEncoder extends Module {

    private final ModuleList<ClipEncoderLayer> layers;
    private final boolean causal;

    public ClipEncoder(int numLayers, long hidden, int heads, long intermediate, ActivationFunction act, float eps,
                       boolean causal) {
        if (numLayers <= 0) {
            throw new IllegalArgumentException("ClipEncoder needs at least one layer, got " + numLayers);
        }
        this.causal = causal;
        this.layers = child("layers", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) {
            layers.add(new ClipEncoderLayer(hidden, heads, intermediate, act, eps));
        }
    }

    /**
     * @param x           {@code [batch, length, hidden]}
     * @param hiddenSink  if not {@code null}, receives the output of every layer (the caller owns them); else the
     *                    intermediate outputs are closed as soon as they are consumed
     * @return the last layer's output {@code [batch, length, hidden]}
     */
    public NDArray forward(NDArray x, List<NDArray> hiddenSink) {
        long length = x.getShape().get(1);
        NDArray mask = causal ? ScaledDotProductAttention.causalMask(x.getManager(), (int) length) : null;
        try {
            NDArray h = x;
            for (int i = 0; i < layers.size(); i++) {
                NDArray next = layers.get(i).forward(h, mask);
                if (hiddenSink != null && i < layers.size() - 1) {
                    hiddenSink.add(next);
                } else if (h != x && hiddenSink == null) {
                    h.close();
                }
                h = next;
            }
            if (hiddenSink != null) {
                hiddenSink.add(h);
            }
            return h;
        } finally {
            if (mask != null) {
                mask.close();
            }
        }
    }

    public int numLayers() {
        return layers.size();
    }

    public ClipEncoderLayer layer(int i) {
        return layers.get(i);
    }

    public boolean causal() {
        return causal;
    }
}
