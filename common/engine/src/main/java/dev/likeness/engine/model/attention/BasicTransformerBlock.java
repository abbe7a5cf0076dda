package dev.likeness.engine.model.attention;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.LayerNorm;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Temporaries;

/**
 * diffusers' {@code BasicTransformerBlock} (layer_norm type): self-attention {@code attn1}, cross-attention
 * {@code attn2} on the text context, GEGLU feed-forward {@code ff}, each pre-normed ({@code norm1..3}, eps 1e-5)
 * and residual.
 */
public final class BasicTransformerBlock extends Module {

    private final LayerNorm norm1;
    private final Attention attn1;
    private final LayerNorm norm2;
    private final Attention attn2;
    private final LayerNorm norm3;
    private final FeedForward ff;

    public BasicTransformerBlock(long dim, int heads, long headDim, long crossAttentionDim) {
        this.norm1 = child("norm1", new LayerNorm(dim, 1e-5f));
        this.attn1 = child("attn1", Attention.transformer(dim, 0, heads, headDim));
        this.norm2 = child("norm2", new LayerNorm(dim, 1e-5f));
        this.attn2 = child("attn2", Attention.transformer(dim, crossAttentionDim, heads, headDim));
        this.norm3 = child("norm3", new LayerNorm(dim, 1e-5f));
        this.ff = child("ff", new FeedForward(dim, 4));
    }

    /**
     * @param x       {@code [batch, length, dim]}
     * @param context {@code [batch, context_length, cross_attention_dim]}
     * @return {@code [batch, length, dim]}
     */
    public NDArray forward(NDArray x, NDArray context) {
        try (Temporaries t = new Temporaries()) {
            // residual sums in place on the fresh linear outputs (their backward does not need them)
            NDArray h = t.add(attn1.forward(t.add(norm1.forward(x)), null)).addi(x);
            NDArray h2 = t.add(attn2.forward(t.add(norm2.forward(h)), context)).addi(h);
            NDArray f = ff.forward(t.add(norm3.forward(h2)));
            return f.addi(h2);
        }
    }

    public Attention attn1() {
        return attn1;
    }

    public Attention attn2() {
        return attn2;
    }
}
