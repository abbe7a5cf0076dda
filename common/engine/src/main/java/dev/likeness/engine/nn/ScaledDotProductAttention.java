package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code softmax(Q K^T * scale + mask) V} composed from batched matmuls, since DJL exposes no fused kernel. Also the
 * head split/merge reshapes shared by the attention layers.
 */
public final class ScaledDotProductAttention {

    private ScaledDotProductAttention() {
    }

    /**
     * @param q     {@code [batch*heads, lq, d]}
     * @param k     {@code [batch*heads, lk, d]}
     * @param v     {@code [batch*heads, lk, dv]}
     * @param scale multiplier of the logits, usually {@code 1/sqrt(d)}
     * @param mask  additive mask broadcastable to {@code [batch*heads, lq, lk]}, or {@code null}
     * @return {@code [batch*heads, lq, dv]}, in {@code q}'s manager
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, float scale, NDArray mask) {
        try (Temporaries t = new Temporaries()) {
            NDArray kt = t.add(k.transpose(0, 2, 1));
            NDArray scores = t.add(q.matMul(kt));
            scores.muli(scale); // in place: matmul's backward does not need its output
            NDArray logits = mask == null ? scores : t.add(scores.add(mask));
            NDArray probs = t.add(logits.softmax(2));
            return probs.matMul(v);
        }
    }

    /**
     * An additive causal mask: 0 on and below the diagonal, the most negative float above it (as transformers'
     * CLIP does).
     *
     * @return {@code [length, length]} in {@code manager}
     */
    public static NDArray causalMask(NDManager manager, int length) {
        float[] m = new float[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                m[i * length + j] = -Float.MAX_VALUE;
            }
        }
        return manager.create(m, new Shape(length, length));
    }

    /**
     * {@code [batch, length, heads*d]} → {@code [batch*heads, length, d]}.
     */
    public static NDArray splitHeads(NDArray x, int heads) {
        Shape s = x.getShape();
        long b = s.get(0);
        long l = s.get(1);
        long inner = s.get(2);
        if (inner % heads != 0) {
            throw new IllegalArgumentException("width " + inner + " is not divisible by " + heads + " heads");
        }
        long d = inner / heads;
        try (NDArray r = x.reshape(b, l, heads, d); NDArray p = r.transpose(0, 2, 1, 3)) {
            return p.reshape(b * heads, l, d);
        }
    }

    /**
     * {@code [batch*heads, length, d]} → {@code [batch, length, heads*d]}.
     */
    public static NDArray mergeHeads(NDArray x, int heads) {
        Shape s = x.getShape();
        long b = s.get(0) / heads;
        long l = s.get(1);
        long d = s.get(2);
        try (NDArray r = x.reshape(b, heads, l, d); NDArray p = r.transpose(0, 2, 1, 3)) {
            return p.reshape(b, l, heads * d);
        }
    }
}
