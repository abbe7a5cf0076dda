package dev.likeness.engine.model.clip;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ScaledDotProductAttention;
import dev.likeness.engine.nn.Temporaries;

/**
 * CLIP's multi-head self-attention ({@code k_proj}, {@code v_proj}, {@code q_proj}, {@code out_proj}, all with bias).
 * The query is scaled by {@code head_dim^-0.5} before the product, as transformers does.
 */
public final class ClipAttention extends Module {

    private final int heads;
    private final float scale;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear qProj;
    private final Linear outProj;

    public ClipAttention(long hidden, int heads) {
        if (heads <= 0 || hidden % heads != 0) {
            throw new IllegalArgumentException("ClipAttention: hidden size " + hidden + " is not divisible by "
                    + heads + " heads");
        }
        this.heads = heads;
        this.scale = (float) Math.pow(hidden / heads, -0.5);
        this.kProj = child("k_proj", new Linear(hidden, hidden, true));
        this.vProj = child("v_proj", new Linear(hidden, hidden, true));
        this.qProj = child("q_proj", new Linear(hidden, hidden, true));
        this.outProj = child("out_proj", new Linear(hidden, hidden, true));
    }

    /**
     * @param x    {@code [batch, length, hidden]}
     * @param mask additive mask broadcastable to {@code [batch*heads, length, length]} (e.g. causal
     *             {@code [length, length]}), or {@code null}
     * @return {@code [batch, length, hidden]}
     */
    public NDArray forward(NDArray x, NDArray mask) {
        try (Temporaries t = new Temporaries()) {
            NDArray q = t.add(qProj.forward(x));
            // a torch-allocated scalar: DJL's muli(Number) backs the number with a Java buffer it closes at once,
            // while autograd keeps it for the backward pass (freed memory after a GC)
            q.muli(t.add(q.getManager().full(new ai.djl.ndarray.types.Shape(), scale, q.getDataType())));
            NDArray qh = t.add(ScaledDotProductAttention.splitHeads(q, heads));
            NDArray kh = t.add(ScaledDotProductAttention.splitHeads(t.add(kProj.forward(x)), heads));
            NDArray vh = t.add(ScaledDotProductAttention.splitHeads(t.add(vProj.forward(x)), heads));
            NDArray o = t.add(ScaledDotProductAttention.attend(qh, kh, vh, 1f, mask));
            NDArray merged = t.add(ScaledDotProductAttention.mergeHeads(o, heads));
            return outProj.forward(merged);
        }
    }

    public int heads() {
        return heads;
    }
}
