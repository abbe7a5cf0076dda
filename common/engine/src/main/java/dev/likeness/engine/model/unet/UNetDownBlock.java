package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.model.attention.Transformer2DModel;
import dev.likeness.engine.model.resnet.Downsample2D;
import dev.likeness.engine.model.resnet.ResnetBlock2D;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ModuleList;

import java.util.Deque;

/**
 * diffusers' {@code DownBlock2D} ({@code resnets.N}, {@code downsamplers.0}) and, with attention,
 * {@code CrossAttnDownBlock2D} (a {@code Transformer2DModel} {@code attentions.N} after each resnet).
 */
public final class UNetDownBlock extends Module {

    private final ModuleList<ResnetBlock2D> resnets;
    private final ModuleList<Transformer2DModel> attentions;
    private final ModuleList<Downsample2D> downsamplers;

    UNetDownBlock(UNetConfig c, int index, long inChannels, boolean crossAttention, boolean addDownsample) {
        long out = c.blockOutChannels().get(index);
        int layers = c.layersPerBlock().get(index);
        int heads = c.heads().get(index);
        this.resnets = child("resnets", new ModuleList<>());
        this.attentions = crossAttention ? child("attentions", new ModuleList<>()) : null;
        for (int i = 0; i < layers; i++) {
            resnets.add(new ResnetBlock2D(i == 0 ? inChannels : out, out, c.timeEmbedDim(), c.normNumGroups(),
                    (float) c.normEps(), c.activation(), (float) c.resnetOutScaleFactor(),
                    ResnetBlock2D.TimeEmbeddingNorm.fromName(c.resnetTimeScaleShift())));
            if (crossAttention) {
                attentions.add(new Transformer2DModel(heads, out / heads, out,
                        c.transformerLayersPerBlock().get(index), c.crossAttentionDim().get(index),
                        c.normNumGroups(), c.useLinearProjection()));
            }
        }
        if (addDownsample) {
            this.downsamplers = child("downsamplers", new ModuleList<>());
            downsamplers.add(new Downsample2D(out, out, c.downsamplePadding()));
        } else {
            this.downsamplers = null;
        }
    }

    /**
     * @param x        {@code [batch, in, height, width]} (not closed)
     * @param temb     {@code [batch, time_embed_dim]}
     * @param context  {@code [batch, seq, cross_attention_dim]}
     * @param skips    receives each resnet/attention output and the downsampled output, for the up blocks; the
     *                 caller owns them
     * @return the block output {@code [batch, out, height', width']} (the last entry added to {@code skips})
     */
    NDArray forward(NDArray x, NDArray temb, NDArray context, Deque<NDArray> skips) {
        NDArray h = x;
        for (int i = 0; i < resnets.size(); i++) {
            NDArray r = resnets.get(i).forward(h, temb);
            if (attentions != null) {
                NDArray a = attentions.get(i).forward(r, context);
                r.close();
                r = a;
            }
            skips.addLast(r);
            h = r;
        }
        if (downsamplers != null) {
            h = downsamplers.get(0).forward(h);
            skips.addLast(h);
        }
        return h;
    }

    int numResnets() {
        return resnets.size();
    }
}
