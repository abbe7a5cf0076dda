package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * libtorch's fused {@code scaled_dot_product_attention} (on CPU the flash-attention kernel: no
 * {@code [batch, heads, lq, lk]} score tensor, forward and backward), which DJL does not expose; reached through a
 * {@link TorchScriptKernel}, one per scale (the scale is a literal in the script, whose inputs can only be tensors).
 *
 * <p>If the kernel cannot be loaded (another libtorch) or is switched off ({@code -Dlikeness.attention=composed} /
 * {@code LIKENESS_ATTENTION=composed}), {@link #available()} is false and callers compose attention from matmuls.
 */
public final class FusedAttention {

    private static final Logger LOG = LoggerFactory.getLogger(FusedAttention.class);

    private static final Map<Float, TorchScriptKernel> BY_SCALE = new ConcurrentHashMap<>();
    private static volatile Boolean available;

    private FusedAttention() {
    }

    /** Whether the fused kernel is enabled and loads in this process (checked once). */
    public static boolean available() {
        Boolean a = available;
        if (a == null) {
            synchronized (FusedAttention.class) {
                a = available;
                if (a == null) {
                    a = enabledByConfig() && tryLoad();
                    available = a;
                }
            }
        }
        return a;
    }

    private static boolean tryLoad() {
        try {
            kernel(1f);
            return true;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("fused scaled_dot_product_attention unavailable, composing attention from matmuls: {}",
                    e.toString());
            return false;
        }
    }

    /**
     * {@code softmax(q k^T * scale) v} per head.
     *
     * @param q {@code [batch, heads, lq, d]} (any strides with a contiguous last axis, e.g. a transposed view of
     *          {@code [batch, lq, heads, d]})
     * @param k {@code [batch, heads, lk, d]}
     * @param v {@code [batch, heads, lk, dv]}
     * @return {@code [batch, heads, lq, dv]}, in {@code q}'s manager; its memory is laid out as
     *         {@code [batch, lq, heads, dv]}, so transposing axes 1 and 2 back is free
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, float scale) {
        if (!available()) {
            throw new IllegalStateException("fused attention is not available");
        }
        return kernel(scale).apply(q, k, v);
    }

    private static TorchScriptKernel kernel(float scale) {
        // Float.toString gives the shortest digits that round-trip, so the kernel's float(scale) is exactly `scale`
        return BY_SCALE.computeIfAbsent(scale, s -> TorchScriptKernel.of("q: Tensor, k: Tensor, v: Tensor",
                "return torch.scaled_dot_product_attention(q, k, v, None, 0., False, scale=" + s + ")"));
    }

    private static boolean enabledByConfig() {
        String mode = System.getProperty("likeness.attention", System.getenv("LIKENESS_ATTENTION"));
        return mode == null || !mode.trim().toLowerCase(Locale.ROOT).equals("composed");
    }
}
