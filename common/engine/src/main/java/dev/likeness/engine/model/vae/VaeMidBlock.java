package dev.likeness.engine.model.vae;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.model.attention.Attention;
import dev.likeness.engine.model.resnet.ResnetBlock2D;
import dev.likeness.engine.nn.ActivationFunction;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ModuleList;

/**
 * diffusers' {@code UNetMidBlock2D} as the VAE uses it: {@code resnets.0}, spatial self-attention
 * {@code attentions.0} (one head over all channels), {@code resnets.1}; no time embedding, eps 1e-6.
 */
public final class VaeMidBlock extends Module {

    private final ModuleList<ResnetBlock2D> resnets;
    private final ModuleList<Attention> attentions;

    VaeMidBlock(long channels, int groups, ActivationFunction act, boolean addAttention) {
        this.resnets = child("resnets", new ModuleList<>());
        this.attentions = addAttention ? child("attentions", new ModuleList<>()) : null;
        resnets.add(new ResnetBlock2D(channels, channels, 0, groups, 1e-6f, act, 1f,
                ResnetBlock2D.TimeEmbeddingNorm.DEFAULT));
        if (addAttention) {
            attentions.add(Attention.spatial(channels, channels, groups, 1e-6f));
        }
        resnets.add(new ResnetBlock2D(channels, channels, 0, groups, 1e-6f, act, 1f,
                ResnetBlock2D.TimeEmbeddingNorm.DEFAULT));
    }

    /**
     * @param x {@code [batch, channels, height, width]} (not closed)
     * @return {@code [batch, channels, height, width]}
     */
    NDArray forward(NDArray x) {
        try (NDArray r0 = resnets.get(0).forward(x, null)) {
            if (attentions == null) {
                return resnets.get(1).forward(r0, null);
            }
            try (NDArray a = attentions.get(0).forward2d(r0)) {
                return resnets.get(1).forward(a, null);
            }
        }
    }
}
