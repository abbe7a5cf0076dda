package dev.likeness.metrics.encoder;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.LayerNorm;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Module;

/**
 * One pre-LayerNorm CLIP block ({@code encoder.layers.N}): {@code x + attn(ln1(x))}, then {@code x + mlp(ln2(x))}.
 */
final class ClipEncoderLayer extends Module {

    /** {@code self_attn}: q/k/v/out projections with bias. */
    static final class Attention extends Module {
        private final Linear q;
        private final Linear k;
        private final Linear v;
        private final Linear out;
        private final int heads;
        private final float scale;

        Attention(int hidden, int heads) {
            this.q = child("q_proj", new Linear(hidden, hidden, true));
            this.k = child("k_proj", new Linear(hidden, hidden, true));
            this.v = child("v_proj", new Linear(hidden, hidden, true));
            this.out = child("out_proj", new Linear(hidden, hidden, true));
            this.heads = heads;
            this.scale = (float) Math.pow((double) hidden / heads, -0.5);
        }

        NDArray forward(NDArray x, boolean causal, NDArray keyMask) {
            NDArray ctx = MultiHeadAttention.attend(q.forward(x).mul(scale), k.forward(x), v.forward(x), heads, false,
                    causal, keyMask);
            return out.forward(ctx);
        }
    }

    /** {@code mlp}: fc1, activation, fc2. */
    static final class Mlp extends Module {
        private final Linear fc1;
        private final Linear fc2;
        private final Activation act;

        Mlp(int hidden, int intermediate, Activation act) {
            this.fc1 = child("fc1", new Linear(hidden, intermediate, true));
            this.fc2 = child("fc2", new Linear(intermediate, hidden, true));
            this.act = act;
        }

        NDArray forward(NDArray x) {
            return fc2.forward(act.apply(fc1.forward(x)));
        }
    }

    private final Attention selfAttn;
    private final LayerNorm norm1;
    private final Mlp mlp;
    private final LayerNorm norm2;

    ClipEncoderLayer(ClipConfig.Tower cfg) {
        this.selfAttn = child("self_attn", new Attention(cfg.hidden(), cfg.heads()));
        this.norm1 = child("layer_norm1", new LayerNorm(cfg.hidden(), cfg.eps()));
        this.mlp = child("mlp", new Mlp(cfg.hidden(), cfg.intermediate(), cfg.act()));
        this.norm2 = child("layer_norm2", new LayerNorm(cfg.hidden(), cfg.eps()));
    }

    /**
     * @param x       {@code [batch, tokens, hidden]}
     * @param keyMask additive padding mask {@code [batch, 1, 1, tokens]} or null
     * @return {@code [batch, tokens, hidden]}
     */
    NDArray forward(NDArray x, boolean causal, NDArray keyMask) {
        NDArray h = x.add(selfAttn.forward(norm1.forward(x), causal, keyMask));
        return h.add(mlp.forward(norm2.forward(h)));
    }
}
