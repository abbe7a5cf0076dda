package dev.likeness.metrics.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scaled dot-product attention over already projected queries, keys and values (DJL has no fused op). Callers run it
 * inside an {@link ai.djl.ndarray.NDScope} that owns the intermediates.
 */
final class MultiHeadAttention {

    private MultiHeadAttention() {
    }

    /**
     * @param q      {@code [batch, tokens, hidden]}, already multiplied by {@code 1/sqrt(headDim)} when
     *               {@code scaleScores} is false (CLIP scales the queries, ViT the scores)
     * @param k      {@code [batch, tokens, hidden]}
     * @param v      {@code [batch, tokens, hidden]}
     * @param causal hide later positions (CLIP text tower)
     * @param keyMask additive mask {@code [batch, 1, 1, tokens]} (0 = attend, float32 minimum = padding), or null
     * @return {@code [batch, tokens, hidden]}, heads merged
     */
    static NDArray attend(NDArray q, NDArray k, NDArray v, int heads, boolean scaleScores, boolean causal,
                          NDArray keyMask) {
        Shape s = q.getShape();
        long b = s.get(0);
        long t = s.get(1);
        long c = s.get(2);
        if (c % heads != 0) {
            throw new IllegalArgumentException("hidden size " + c + " is not divisible by " + heads + " heads");
        }
        long d = c / heads;
        NDArray qh = q.reshape(b, t, heads, d).transpose(0, 2, 1, 3);
        NDArray kh = k.reshape(b, t, heads, d).transpose(0, 2, 3, 1);
        NDArray vh = v.reshape(b, t, heads, d).transpose(0, 2, 1, 3);
        NDArray scores = qh.matMul(kh); // [b, heads, t, t]
        if (scaleScores) {
            scores = scores.div((float) Math.sqrt(d));
        }
        if (causal) {
            scores = scores.add(causalMask(q, t));
        }
        if (keyMask != null) {
            scores = scores.add(keyMask);
        }
        NDArray probs = scores.softmax(3);
        return probs.matMul(vh).transpose(0, 2, 1, 3).reshape(b, t, c);
    }

    /**
     * Turns a 0/1 {@code attention_mask [batch, tokens]} into the additive {@code [batch, 1, 1, tokens]} form.
     */
    static NDArray keyMask(NDArray attentionMask) {
        Shape s = attentionMask.getShape();
        NDArray pad = attentionMask.toType(DataType.FLOAT32, false).neg().add(1f);
        return pad.mul(-Float.MAX_VALUE).reshape(s.get(0), 1, 1, s.get(1));
    }

    /** {@code [t, t]} with the float32 minimum above the diagonal, as transformers builds it. */
    private static NDArray causalMask(NDArray like, long t) {
        int n = (int) t;
        float[] mask = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                mask[i * n + j] = -Float.MAX_VALUE;
            }
        }
        return like.getManager().create(mask, new Shape(t, t)).toType(DataType.FLOAT32, false);
    }
}
