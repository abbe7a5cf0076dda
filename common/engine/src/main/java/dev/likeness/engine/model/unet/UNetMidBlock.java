package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.model.attention.Transformer2DModel;
import dev.likeness.engine.model.resnet.ResnetBlock2D;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ModuleList;

/** diffusers' {@code UNetMidBlock2DCrossAttn}: {@code resnets.0}, then {@code attentions.0} and {@code resnets.1}. */
public final class UNetMidBlock extends Module {

    private final ModuleList<ResnetBlock2D> resnets;
    private final ModuleList<Transformer2DModel> attentions;

    UNetMidBlock(UNetConfig c) {
        int last = c.blockOutChannels().size() - 1;
        long ch = c.blockOutChannels().get(last);
        int heads = c.heads().get(last);
        ResnetBlock2D.TimeEmbeddingNorm tn = ResnetBlock2D.TimeEmbeddingNorm.fromName(c.resnetTimeScaleShift());
        this.resnets = child("resnets", new ModuleList<>());
        this.attentions = child("attentions", new ModuleList<>());
        resnets.add(new ResnetBlock2D(ch, ch, c.timeEmbedDim(), c.normNumGroups(), (float) c.normEps(),
                c.activation(), (float) c.midBlockScaleFactor(), tn));
        attentions.add(new Transformer2DModel(heads, ch / heads, ch, c.transformerLayersPerBlock().get(last),
                c.crossAttentionDim().get(last), c.normNumGroups(), c.useLinearProjection()));
        resnets.add(new ResnetBlock2D(ch, ch, c.timeEmbedDim(), c.normNumGroups(), (float) c.normEps(),
                c.activation(), (float) c.midBlockScaleFactor(), tn));
    }

    /**
     * @param x {@code [batch, channels, height, width]} (not closed)
     * @return {@code [batch, channels, height, width]}
     */
    NDArray forward(NDArray x, NDArray temb, NDArray context) {
        try (NDArray r0 = resnets.get(0).forward(x, temb); NDArray a = attentions.get(0).forward(r0, context)) {
            return resnets.get(1).forward(a, temb);
        }
    }
}
