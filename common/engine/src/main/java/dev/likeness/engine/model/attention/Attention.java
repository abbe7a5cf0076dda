package dev.likeness.engine.model.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.GroupNorm;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ModuleList;
import dev.likeness.engine.nn.ScaledDotProductAttention;
import dev.likeness.engine.nn.Temporaries;

/**
 * diffusers' {@code Attention} with its default processor: {@code to_q}, {@code to_k}, {@code to_v},
 * {@code to_out.0}, scale {@code dim_head^-0.5}. Two flavours: the transformer one (self- or cross-attention on
 * {@code [batch, length, dim]}, no q/k/v bias) and the VAE one (spatial self-attention on
 * {@code [batch, channels, height, width]} with a {@code group_norm}, biases and a residual connection).
 */
public final class Attention extends Module {

    private final int heads;
    private final long queryDim;
    private final boolean crossAttention;
    private final float scale;
    private final GroupNorm groupNorm;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final ModuleList<Linear> toOut;
    // set only while an AttentionProbeRecorder is installed; read once per forward call
    private volatile AttentionProbeRecorder probe;

    private Attention(long queryDim, long crossAttentionDim, int heads, long dimHead, boolean qkvBias,
                      boolean outBias, int normGroups, float normEps) {
        if (heads <= 0 || dimHead <= 0) {
            throw new IllegalArgumentException("Attention needs positive heads and head size, got heads=" + heads
                    + " dim_head=" + dimHead);
        }
        long inner = heads * dimHead;
        long kvDim = crossAttentionDim > 0 ? crossAttentionDim : queryDim;
        this.heads = heads;
        this.queryDim = queryDim;
        this.crossAttention = crossAttentionDim > 0;
        this.scale = (float) Math.pow(dimHead, -0.5);
        this.groupNorm = normGroups > 0 ? child("group_norm", new GroupNorm(normGroups, queryDim, normEps)) : null;
        this.toQ = child("to_q", new Linear(queryDim, inner, qkvBias));
        this.toK = child("to_k", new Linear(kvDim, inner, qkvBias));
        this.toV = child("to_v", new Linear(kvDim, inner, qkvBias));
        this.toOut = child("to_out", new ModuleList<>());
        toOut.add(new Linear(inner, queryDim, outBias));
    }

    /**
     * The attention of a transformer block ({@code attn1}/{@code attn2}).
     *
     * @param crossAttentionDim width of the context for cross-attention, or 0 for self-attention
     */
    public static Attention transformer(long queryDim, long crossAttentionDim, int heads, long dimHead) {
        return new Attention(queryDim, crossAttentionDim, heads, dimHead, false, true, 0, 0f);
    }

    /** The VAE mid-block attention over all spatial positions ({@code heads = channels / headDim}). */
    public static Attention spatial(long channels, long headDim, int normGroups, float normEps) {
        return new Attention(channels, 0, (int) (channels / headDim), headDim, true, true, normGroups, normEps);
    }

    /**
     * @param x       {@code [batch, length, query_dim]}
     * @param context {@code [batch, context_length, cross_attention_dim]} for cross-attention, or {@code null}
     * @return {@code [batch, length, query_dim]}
     */
    public NDArray forward(NDArray x, NDArray context) {
        NDArray kv = context == null ? x : context;
        AttentionProbeRecorder recorder = context == null ? null : probe;
        try (Temporaries t = new Temporaries()) {
            NDArray q = t.add(toQ.forward(x));
            NDArray k = t.add(toK.forward(kv));
            NDArray v = t.add(toV.forward(kv));
            NDArray o = t.add(recorder == null ? ScaledDotProductAttention.attendHeads(q, k, v, heads, scale)
                    : attendRecorded(q, k, v, recorder));
            return toOut.get(0).forward(o);
        }
    }

    /**
     * The composed attention ({@code softmax(q·kᵀ·scale)·v}) with its probabilities handed to {@code recorder} as
     * {@code [batch, heads, queries, keys]}. Autograd keeps the softmax output for the backward pass anyway, so
     * recording it costs no memory; only the fused kernel is given up.
     */
    private NDArray attendRecorded(NDArray q, NDArray k, NDArray v, AttentionProbeRecorder recorder) {
        long b = q.getShape().get(0);
        long lq = q.getShape().get(1);
        long lk = k.getShape().get(1);
        try (Temporaries t = new Temporaries()) {
            NDArray qh = t.add(ScaledDotProductAttention.splitHeads(q, heads));
            NDArray kh = t.add(ScaledDotProductAttention.splitHeads(k, heads));
            NDArray vh = t.add(ScaledDotProductAttention.splitHeads(v, heads));
            // a torch-allocated scalar (DJL's mul(Number) frees its buffer while autograd still needs it)
            NDArray s = t.add(qh.getManager().full(new Shape(), scale, qh.getDataType()));
            NDArray scores = t.add(t.add(qh.mul(s)).matMul(t.add(kh.transpose(0, 2, 1))));
            NDArray probs = t.add(scores.softmax(2));
            NDArray o = t.add(probs.matMul(vh));
            recorder.record(this, probs.reshape(b, heads, lq, lk));
            return ScaledDotProductAttention.mergeHeads(o, heads);
        }
    }

    /** Whether this layer attends to a context (a transformer block's {@code attn2}). */
    public boolean isCrossAttention() {
        return crossAttention;
    }

    AttentionProbeRecorder probe() {
        return probe;
    }

    void probe(AttentionProbeRecorder recorder) {
        this.probe = recorder;
    }

    /**
     * Spatial self-attention with the residual connection (VAE).
     *
     * @param x {@code [batch, channels, height, width]}
     * @return {@code [batch, channels, height, width]}
     */
    public NDArray forward2d(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != queryDim) {
            throw new IllegalArgumentException("spatial attention expects [batch, " + queryDim
                    + ", height, width] but got " + s);
        }
        long b = s.get(0);
        long c = s.get(1);
        long hw = s.get(2) * s.get(3);
        try (Temporaries t = new Temporaries()) {
            NDArray normed = groupNorm == null ? x : t.add(groupNorm.forward(x));
            NDArray seq = t.add(t.add(normed.reshape(b, c, hw)).transpose(0, 2, 1));
            NDArray a = t.add(forward(seq, null));
            NDArray back = t.add(t.add(a.transpose(0, 2, 1)).reshape(s));
            return back.add(x);
        }
    }

    public int heads() {
        return heads;
    }

    public Linear toQ() {
        return toQ;
    }

    public Linear toK() {
        return toK;
    }

    public Linear toV() {
        return toV;
    }

    public Linear toOut() {
        return toOut.get(0);
    }
}
