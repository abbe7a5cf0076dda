package dev.likeness.engine.model.vae;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.model.resnet.ResnetBlock2D;
import dev.likeness.engine.model.resnet.Upsample2D;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.GroupNorm;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ModuleList;
import dev.likeness.engine.nn.Temporaries;

import java.util.List;

/**
 * The VAE decoder: {@code conv_in}, {@code mid_block}, {@code up_blocks.N} ({@code UpDecoderBlock2D}:
 * {@code layers_per_block + 1} resnets, then {@code upsamplers.0} except in the last block), {@code conv_norm_out},
 * {@code conv_out}.
 */
public final class Decoder extends Module {

    private final VaeConfig config;
    private final Conv2d convIn;
    private final VaeMidBlock midBlock;
    private final ModuleList<Block> upBlocks;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    /** One {@code UpDecoderBlock2D}. */
    public static final class Block extends Module {
        private final ModuleList<ResnetBlock2D> resnets;
        private final ModuleList<Upsample2D> upsamplers;

        Block(long in, long out, int layers, VaeConfig c, boolean addUpsample) {
            this.resnets = child("resnets", new ModuleList<>());
            for (int i = 0; i < layers; i++) {
                resnets.add(new ResnetBlock2D(i == 0 ? in : out, out, 0, c.normNumGroups(), 1e-6f,
                        c.activation(), 1f, ResnetBlock2D.TimeEmbeddingNorm.DEFAULT));
            }
            if (addUpsample) {
                this.upsamplers = child("upsamplers", new ModuleList<>());
                upsamplers.add(new Upsample2D(out, out));
            } else {
                this.upsamplers = null;
            }
        }

        NDArray forward(NDArray x) {
            try (Temporaries t = new Temporaries()) {
                NDArray h = x;
                for (int i = 0; i < resnets.size(); i++) {
                    h = t.add(resnets.get(i).forward(h, null));
                }
                if (upsamplers != null) {
                    return upsamplers.get(0).forward(h);
                }
                return t.keep(h);
            }
        }
    }

    Decoder(VaeConfig c) {
        this.config = c;
        List<Integer> ch = c.blockOutChannels();
        int n = ch.size();
        this.convIn = child("conv_in", new Conv2d(c.latentChannels(), ch.get(n - 1), 3, 1, 1));
        this.midBlock = child("mid_block", new VaeMidBlock(ch.get(n - 1), c.normNumGroups(), c.activation(),
                c.midBlockAddAttention()));
        this.upBlocks = child("up_blocks", new ModuleList<>());
        long prev = ch.get(n - 1);
        for (int i = 0; i < n; i++) {
            long out = ch.get(n - 1 - i);
            upBlocks.add(new Block(prev, out, c.layersPerBlock() + 1, c, i < n - 1));
            prev = out;
        }
        this.convNormOut = child("conv_norm_out", new GroupNorm(c.normNumGroups(), ch.get(0), 1e-6f));
        this.convOut = child("conv_out", new Conv2d(ch.get(0), c.outChannels(), 3, 1, 1));
    }

    /**
     * @param z {@code [batch, latent_channels, h, w]} (after {@code post_quant_conv})
     * @return {@code [batch, out_channels, h * f, w * f]}, roughly in [-1, 1]
     */
    public NDArray forward(NDArray z) {
        try (Temporaries t = new Temporaries()) {
            NDArray h = t.add(convIn.forward(z));
            h = t.add(midBlock.forward(h));
            for (int i = 0; i < upBlocks.size(); i++) {
                h = t.add(upBlocks.get(i).forward(h));
            }
            h = t.add(convNormOut.forward(h));
            h = t.add(config.activation().apply(h));
            return convOut.forward(h);
        }
    }
}
