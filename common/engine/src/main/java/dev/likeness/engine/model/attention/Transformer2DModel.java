package dev.likeness.engine.model.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.GroupNorm;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ModuleList;
import dev.likeness.engine.nn.Temporaries;

/**
 * diffusers' {@code Transformer2DModel} on continuous input: {@code norm} (GroupNorm, eps 1e-6), {@code proj_in}
 * (1x1 conv, or Linear with {@code use_linear_projection}), {@code transformer_blocks.N}, {@code proj_out}, plus the
 * input as residual.
 */
public final class Transformer2DModel extends Module {

    private final long inChannels;
    private final long inner;
    private final boolean linearProjection;
    private final GroupNorm norm;
    private final Module projIn;
    private final ModuleList<BasicTransformerBlock> blocks;
    private final Module projOut;

    public Transformer2DModel(int heads, long headDim, long inChannels, int numLayers, long crossAttentionDim,
                              int normGroups, boolean useLinearProjection) {
        this.inChannels = inChannels;
        this.inner = heads * headDim;
        this.linearProjection = useLinearProjection;
        this.norm = child("norm", new GroupNorm(normGroups, inChannels, 1e-6f));
        this.projIn = child("proj_in", useLinearProjection ? new Linear(inChannels, inner, true)
                : new Conv2d(inChannels, inner, 1, 1, 0));
        this.blocks = child("transformer_blocks", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) {
            blocks.add(new BasicTransformerBlock(inner, heads, headDim, crossAttentionDim));
        }
        this.projOut = child("proj_out", useLinearProjection ? new Linear(inner, inChannels, true)
                : new Conv2d(inner, inChannels, 1, 1, 0));
    }

    /**
     * @param x       {@code [batch, channels, height, width]}
     * @param context {@code [batch, context_length, cross_attention_dim]}
     * @return {@code [batch, channels, height, width]}
     */
    public NDArray forward(NDArray x, NDArray context) {
        Shape s = x.getShape();
        long b = s.get(0);
        long h = s.get(2);
        long w = s.get(3);
        try (Temporaries t = new Temporaries()) {
            NDArray y = t.add(norm.forward(x));
            NDArray seq;
            if (linearProjection) {
                seq = t.add(toSequence(t, y, b, h, w, inChannels));
                seq = t.add(((Linear) projIn).forward(seq));
            } else {
                NDArray p = t.add(((Conv2d) projIn).forward(y));
                seq = t.add(toSequence(t, p, b, h, w, inner));
            }
            for (int i = 0; i < blocks.size(); i++) {
                seq = t.add(blocks.get(i).forward(seq, context));
            }
            NDArray out;
            if (linearProjection) {
                NDArray p = t.add(((Linear) projOut).forward(seq));
                out = t.add(toImage(t, p, b, h, w, inChannels));
            } else {
                NDArray img = t.add(toImage(t, seq, b, h, w, inner));
                out = t.add(((Conv2d) projOut).forward(img));
            }
            return out.add(x);
        }
    }

    /** {@code [b, c, h, w]} → {@code [b, h*w, c]}. */
    private static NDArray toSequence(Temporaries t, NDArray x, long b, long h, long w, long c) {
        return t.add(x.transpose(0, 2, 3, 1)).reshape(b, h * w, c);
    }

    /** {@code [b, h*w, c]} → {@code [b, c, h, w]} (a permuted view; the next op reads it as is). */
    private static NDArray toImage(Temporaries t, NDArray x, long b, long h, long w, long c) {
        return t.add(x.reshape(b, h, w, c)).transpose(0, 3, 1, 2);
    }
}
