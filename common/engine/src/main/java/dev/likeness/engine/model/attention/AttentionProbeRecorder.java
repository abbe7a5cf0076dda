package dev.likeness.engine.model.attention;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.Module;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Opt-in capture of cross-attention probabilities during forward passes (e.g. SVDiff's unmix regulariser). While
 * installed on a module tree, every cross-attention layer in it ({@link Attention#isCrossAttention()}) computes its
 * attention composed instead of with the fused kernel and hands its probabilities here, still attached to the
 * autograd graph; the layer's output is the same up to float rounding. Without a recorder nothing changes.
 *
 * <p>One recorder per model at a time, and only on a model that one thread runs (training): the layers read the
 * recorder on every call. The recorder owns the recorded arrays; {@link #clear()} or {@link #close()} frees them, and
 * a layer that runs again replaces (and frees) its previous map.
 */
public final class AttentionProbeRecorder implements AutoCloseable {

    private final Map<Attention, String> layers = new IdentityHashMap<>();
    private final Map<String, NDArray> maps = new LinkedHashMap<>();
    private boolean closed;

    private AttentionProbeRecorder() {
    }

    /**
     * Installs a recorder on every cross-attention layer below {@code root} (e.g. the UNet).
     *
     * @throws IllegalArgumentException if {@code root} has no cross-attention layer
     * @throws IllegalStateException    if a layer already has a recorder
     */
    public static AttentionProbeRecorder install(Module root) {
        AttentionProbeRecorder r = new AttentionProbeRecorder();
        for (Map.Entry<String, Module> e : root.namedModules().entrySet()) {
            if (e.getValue() instanceof Attention a && a.isCrossAttention()) {
                if (a.probe() != null) {
                    r.close();
                    throw new IllegalStateException("cross-attention layer '" + e.getKey()
                            + "' already has an attention probe recorder");
                }
                a.probe(r);
                r.layers.put(a, e.getKey());
            }
        }
        if (r.layers.isEmpty()) {
            throw new IllegalArgumentException("no cross-attention layer under " + root.getClass().getSimpleName()
                    + " to record");
        }
        return r;
    }

    void record(Attention layer, NDArray probs) {
        String name = layers.get(layer);
        if (name == null || closed) {
            probs.close();
            return;
        }
        NDArray previous = maps.put(name, probs);
        if (previous != null) {
            previous.close();
        }
    }

    /** Number of cross-attention layers this recorder listens to. */
    public int layerCount() {
        return layers.size();
    }

    /**
     * Probabilities recorded since the last {@link #clear()}, by layer path, in the order the layers ran: each
     * {@code [batch, heads, queries, keys]} with {@code queries = height·width} of the layer's feature map (row-major)
     * and every row summing to 1 over the keys (the context's tokens). Owned by this recorder.
     */
    public Map<String, NDArray> maps() {
        return Collections.unmodifiableMap(maps);
    }

    /** Frees the recorded maps; the recorder stays installed. */
    public void clear() {
        maps.values().forEach(NDArray::close);
        maps.clear();
    }

    /** Frees the maps and uninstalls: the layers go back to the fused path. */
    @Override
    public void close() {
        closed = true;
        clear();
        for (Attention a : layers.keySet()) {
            if (a.probe() == this) {
                a.probe(null);
            }
        }
        layers.clear();
    }
}
