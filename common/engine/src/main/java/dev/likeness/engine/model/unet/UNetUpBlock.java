package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.model.attention.Transformer2DModel;
import dev.likeness.engine.model.resnet.ResnetBlock2D;
import dev.likeness.engine.model.resnet.Upsample2D;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ModuleList;

import java.util.Deque;

/**
 * diffusers' {@code UpBlock2D} and, with attention, {@code CrossAttnUpBlock2D}: each resnet takes the running
 * features concatenated with the matching skip connection from the down path; then {@code upsamplers.0}.
 */
public final class UNetUpBlock extends Module {

    private final ModuleList<ResnetBlock2D> resnets;
    private final ModuleList<Transformer2DModel> attentions;
    private final ModuleList<Upsample2D> upsamplers;

    /**
     * @param index position among the up blocks (0 = deepest)
     */
    UNetUpBlock(UNetConfig c, int index, boolean crossAttention, boolean addUpsample) {
        int n = c.blockOutChannels().size();
        int rev = n - 1 - index;
        long out = c.blockOutChannels().get(rev);
        long prevOut = c.blockOutChannels().get(Math.min(rev + 1, n - 1));
        long in = c.blockOutChannels().get(Math.max(rev - 1, 0));
        int layers = c.layersPerBlock().get(rev) + 1;
        int heads = c.heads().get(rev);
        this.resnets = child("resnets", new ModuleList<>());
        this.attentions = crossAttention ? child("attentions", new ModuleList<>()) : null;
        for (int i = 0; i < layers; i++) {
            long skip = i == layers - 1 ? in : out;
            long resIn = i == 0 ? prevOut : out;
            resnets.add(new ResnetBlock2D(resIn + skip, out, c.timeEmbedDim(), c.normNumGroups(),
                    (float) c.normEps(), c.activation(), (float) c.resnetOutScaleFactor(),
                    ResnetBlock2D.TimeEmbeddingNorm.fromName(c.resnetTimeScaleShift())));
            if (crossAttention) {
                attentions.add(new Transformer2DModel(heads, out / heads, out,
                        c.transformerLayersPerBlock().get(rev), c.crossAttentionDim().get(rev),
                        c.normNumGroups(), c.useLinearProjection()));
            }
        }
        if (addUpsample) {
            this.upsamplers = child("upsamplers", new ModuleList<>());
            upsamplers.add(new Upsample2D(out, out));
        } else {
            this.upsamplers = null;
        }
    }

    /**
     * @param x          {@code [batch, channels, height, width]} (not closed)
     * @param skips      skip connections of the down path; this block pops (and closes) one per resnet from the end
     * @param upsampleTo target {@code {height, width}} of the upsampler, or {@code null} for 2x
     * @return {@code [batch, out, height', width']}
     */
    NDArray forward(NDArray x, Deque<NDArray> skips, NDArray temb, NDArray context, long[] upsampleTo) {
        NDArray h = x;
        for (int i = 0; i < resnets.size(); i++) {
            NDArray skip = skips.removeLast();
            NDArray r;
            try (NDArray cat = h.concat(skip, 1)) {
                r = resnets.get(i).forward(cat, temb);
            } finally {
                skip.close();
            }
            if (h != x) {
                h.close();
            }
            if (attentions != null) {
                NDArray a = attentions.get(i).forward(r, context);
                r.close();
                r = a;
            }
            h = r;
        }
        if (upsamplers != null) {
            NDArray u = upsampleTo == null ? upsamplers.get(0).forward(h)
                    : upsamplers.get(0).forward(h, upsampleTo[0], upsampleTo[1]);
            h.close();
            h = u;
        }
        return h;
    }
}
