package dev.likeness.engine.model.vae;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.model.resnet.Downsample2D;
import dev.likeness.engine.model.resnet.ResnetBlock2D;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.GroupNorm;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ModuleList;
import dev.likeness.engine.nn.Temporaries;

import java.util.List;

/**
 * The VAE encoder: {@code conv_in}, {@code down_blocks.N} ({@code DownEncoderBlock2D}: resnets, then a
 * {@code downsamplers.0} with asymmetric padding except in the last block), {@code mid_block},
 * {@code conv_norm_out}, {@code conv_out} to {@code 2 * latent_channels} (mean and log-variance).
 */
public final class Encoder extends Module {

    private final VaeConfig config;
    private final Conv2d convIn;
    private final ModuleList<Block> downBlocks;
    private final VaeMidBlock midBlock;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    /** One {@code DownEncoderBlock2D}. */
    public static final class Block extends Module {
        private final ModuleList<ResnetBlock2D> resnets;
        private final ModuleList<Downsample2D> downsamplers;

        Block(long in, long out, int layers, VaeConfig c, boolean addDownsample) {
            this.resnets = child("resnets", new ModuleList<>());
            for (int i = 0; i < layers; i++) {
                resnets.add(new ResnetBlock2D(i == 0 ? in : out, out, 0, c.normNumGroups(), 1e-6f,
                        c.activation(), 1f, ResnetBlock2D.TimeEmbeddingNorm.DEFAULT));
            }
            if (addDownsample) {
                this.downsamplers = child("downsamplers", new ModuleList<>());
                downsamplers.add(new Downsample2D(out, out, 0));
            } else {
                this.downsamplers = null;
            }
        }

        NDArray forward(NDArray x) {
            try (Temporaries t = new Temporaries()) {
                NDArray h = x;
                for (int i = 0; i < resnets.size(); i++) {
                    h = t.add(resnets.get(i).forward(h, null));
                }
                if (downsamplers != null) {
                    h = t.add(downsamplers.get(0).forward(h));
                }
                return t.keep(h);
            }
        }
    }

    Encoder(VaeConfig c) {
        this.config = c;
        List<Integer> ch = c.blockOutChannels();
        int n = ch.size();
        this.convIn = child("conv_in", new Conv2d(c.inChannels(), ch.get(0), 3, 1, 1));
        this.downBlocks = child("down_blocks", new ModuleList<>());
        long prev = ch.get(0);
        for (int i = 0; i < n; i++) {
            downBlocks.add(new Block(prev, ch.get(i), c.layersPerBlock(), c, i < n - 1));
            prev = ch.get(i);
        }
        this.midBlock = child("mid_block", new VaeMidBlock(ch.get(n - 1), c.normNumGroups(), c.activation(),
                c.midBlockAddAttention()));
        this.convNormOut = child("conv_norm_out", new GroupNorm(c.normNumGroups(), ch.get(n - 1), 1e-6f));
        this.convOut = child("conv_out", new Conv2d(ch.get(n - 1), 2L * c.latentChannels(), 3, 1, 1));
    }

    /**
     * @param image {@code [batch, in_channels, height, width]}, values in [-1, 1]
     * @return {@code [batch, 2 * latent_channels, height / f, width / f]}
     */
    public NDArray forward(NDArray image) {
        try (Temporaries t = new Temporaries()) {
            NDArray h = t.add(convIn.forward(image));
            for (int i = 0; i < downBlocks.size(); i++) {
                h = t.add(downBlocks.get(i).forward(h));
            }
            h = t.add(midBlock.forward(h));
            h = t.add(convNormOut.forward(h));
            h = t.add(config.activation().apply(h));
            return convOut.forward(h);
        }
    }
}
