package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
     * Largest logits tensor computed at once (bytes). Bigger problems are processed in slices of heads and, when one
     * head is already too big, of query rows (softmax is per row, so slices are exact). Besides bounding memory
     * (a 64x64 latent's self-attention would need gigabytes of scores), small slices reuse freed allocator memory
     * instead of faulting in fresh pages, which measured 2-3x faster on CPU.
     */
    static final long MAX_SCORES_BYTES = 8L << 20;

    /**
     * @param q     {@code [batch*heads, lq, d]}
     * @param k     {@code [batch*heads, lk, d]}
     * @param v     {@code [batch*heads, lk, dv]}
     * @param scale multiplier of the logits, usually {@code 1/sqrt(d)}; applied to {@code q} (d values per row
     *              instead of lk)
     * @param mask  additive mask {@code [lq, lk]} or {@code [1 or batch*heads, lq, lk]}, or {@code null}
     * @return {@code [batch*heads, lq, dv]}, in {@code q}'s manager
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, float scale, NDArray mask) {
        return attend(q, k, v, scale, mask, MAX_SCORES_BYTES);
    }

    static NDArray attend(NDArray q, NDArray k, NDArray v, float scale, NDArray mask, long maxScoresBytes) {
        Shape qs = q.getShape();
        Shape ks = k.getShape();
        if (qs.dimension() != 3 || ks.dimension() != 3 || qs.get(0) != ks.get(0) || qs.get(2) != ks.get(2)
                || v.getShape().get(1) != ks.get(1)) {
            throw new IllegalArgumentException("attention shapes do not fit: q " + qs + ", k " + ks + ", v "
                    + v.getShape());
        }
        if (mask != null && mask.getShape().dimension() == 3 && mask.getShape().get(0) != 1) {
            return attendAll(q, k, v, scale, mask); // per-head masks: not sliced
        }
        long bh = qs.get(0);
        long lq = qs.get(1);
        long rowBytes = ks.get(1) * 4L;
        long rows = Math.max(1, Math.min(lq, maxScoresBytes / rowBytes));
        long heads = rows < lq ? 1 : Math.max(1, Math.min(bh, maxScoresBytes / (rowBytes * lq)));
        if (heads >= bh) {
            return attendAll(q, k, v, scale, mask);
        }
        NDList perHead = new NDList();
        try {
            for (long h0 = 0; h0 < bh; h0 += heads) {
                String hr = h0 + ":" + Math.min(bh, h0 + heads);
                try (NDArray qh = q.get(hr); NDArray kh = k.get(hr); NDArray vh = v.get(hr)) {
                    if (rows >= lq) {
                        perHead.add(attendAll(qh, kh, vh, scale, mask));
                        continue;
                    }
                    NDList perRows = new NDList();
                    try {
                        for (long r0 = 0; r0 < lq; r0 += rows) {
                            String rr = r0 + ":" + Math.min(lq, r0 + rows);
                            try (NDArray qr = qh.get(":, " + rr);
                                 NDArray mr = mask == null ? null : mask.getShape().dimension() == 2
                                         ? mask.get(rr) : mask.get(":, " + rr)) {
                                perRows.add(attendAll(qr, kh, vh, scale, mr));
                            }
                        }
                        perHead.add(NDArrays.concat(perRows, 1));
                    } finally {
                        perRows.close();
                    }
                }
            }
            return NDArrays.concat(perHead, 0);
        } finally {
            perHead.close();
        }
    }

    private static NDArray attendAll(NDArray q, NDArray k, NDArray v, float scale, NDArray mask) {
        // a torch-allocated scalar: DJL's mul(Number) backs the number with a Java buffer that it closes at once,
        // while autograd keeps that tensor for the backward pass, so after a GC the gradient reads freed memory
        NDArray qScaled;
        if (scale == 1f) {
            qScaled = q;
        } else {
            try (NDArray s = q.getManager().full(new Shape(), scale, q.getDataType())) {
                qScaled = q.mul(s);
            }
        }
        NDArray probs;
        try (NDArray kt = k.transpose(0, 2, 1)) {
            NDArray scores = qScaled.matMul(kt);
            if (mask != null) {
                scores.addi(mask);
            }
            probs = scores.softmax(2);
            scores.close();
        } finally {
            if (qScaled != q) {
                qScaled.close();
            }
        }
        try {
            return probs.matMul(v);
        } finally {
            probs.close();
        }
    }

    /**
     * Multi-head attention on projected sequences, without a mask: libtorch's fused kernel ({@link FusedAttention})
     * when available, else split heads, {@link #attend} and merge heads.
     *
     * @param q     {@code [batch, lq, heads*d]}
     * @param k     {@code [batch, lk, heads*d]}
     * @param v     {@code [batch, lk, heads*dv]}
     * @param scale multiplier of the logits, usually {@code 1/sqrt(d)}
     * @return {@code [batch, lq, heads*dv]}, in {@code q}'s manager
     */
    public static NDArray attendHeads(NDArray q, NDArray k, NDArray v, int heads, float scale) {
        Shape qs = q.getShape();
        Shape ks = k.getShape();
        Shape vs = v.getShape();
        if (qs.dimension() != 3 || ks.dimension() != 3 || vs.dimension() != 3 || qs.get(0) != ks.get(0)
                || ks.get(0) != vs.get(0) || qs.get(2) != ks.get(2) || ks.get(1) != vs.get(1)
                || qs.get(2) % heads != 0 || vs.get(2) % heads != 0) {
            throw new IllegalArgumentException("attention shapes do not fit " + heads + " heads: q " + qs + ", k "
                    + ks + ", v " + vs);
        }
        if (!FusedAttention.available()) {
            try (NDArray qh = splitHeads(q, heads); NDArray kh = splitHeads(k, heads);
                 NDArray vh = splitHeads(v, heads); NDArray o = attend(qh, kh, vh, scale, null)) {
                return mergeHeads(o, heads);
            }
        }
        long b = qs.get(0);
        long dv = vs.get(2) / heads;
        // [b, l, h*d] -> [b, h, l, d] as strided views: the kernel reads strides, so no copies
        try (NDArray q4 = headsView(q, heads); NDArray k4 = headsView(k, heads); NDArray v4 = headsView(v, heads);
             NDArray o = FusedAttention.attend(q4, k4, v4, scale); NDArray back = o.transpose(0, 2, 1, 3)) {
            return back.reshape(b, qs.get(1), heads * dv);
        }
    }

    /** {@code [batch, length, heads*d]} → a {@code [batch, heads, length, d]} view. */
    private static NDArray headsView(NDArray x, int heads) {
        Shape s = x.getShape();
        try (NDArray r = x.reshape(s.get(0), s.get(1), heads, s.get(2) / heads)) {
            return r.transpose(0, 2, 1, 3);
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
