package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.model.ModelWeights;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.GroupNorm;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ModuleList;
import dev.likeness.engine.nn.Temporaries;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * diffusers' {@code UNet2DConditionModel}, assembled from its config: {@code time_proj}, {@code time_embedding},
 * {@code conv_in}, {@code down_blocks.N}, {@code mid_block}, {@code up_blocks.N}, {@code conv_norm_out},
 * {@code conv_out}. Parameter paths equal the checkpoint keys.
 */
public final class UNet2DConditionModel extends Module {

    /** Names of the intermediates {@link #forward(NDArray, NDArray, NDArray, Map)} can capture. */
    public static final String TIME_PROJ = "time_proj";
    public static final String TIME_EMBEDDING = "time_embedding";
    public static final String CONV_IN = "conv_in";
    public static final String MID_BLOCK = "mid_block";
    public static final String CONV_NORM_OUT = "conv_norm_out";

    private final UNetConfig config;
    private final Timesteps timeProj;
    private final TimestepEmbedding timeEmbedding;
    private final Conv2d convIn;
    private final ModuleList<UNetDownBlock> downBlocks;
    private final UNetMidBlock midBlock;
    private final ModuleList<UNetUpBlock> upBlocks;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    public UNet2DConditionModel(UNetConfig config) {
        this.config = config;
        List<Integer> ch = config.blockOutChannels();
        int n = ch.size();
        this.convIn = child("conv_in", new Conv2d(config.inChannels(), ch.get(0), config.convInKernel(), 1,
                (config.convInKernel() - 1) / 2));
        this.timeProj = child("time_proj", new Timesteps(ch.get(0), config.flipSinToCos(), config.freqShift()));
        this.timeEmbedding = child("time_embedding", new TimestepEmbedding(ch.get(0), config.timeEmbedDim(),
                config.activation()));
        this.downBlocks = child("down_blocks", new ModuleList<>());
        long prev = ch.get(0);
        for (int i = 0; i < n; i++) {
            boolean attn = config.downBlockTypes().get(i).equals("CrossAttnDownBlock2D");
            downBlocks.add(new UNetDownBlock(config, i, prev, attn, i < n - 1));
            prev = ch.get(i);
        }
        this.midBlock = config.midBlockType() == null ? null : child("mid_block", new UNetMidBlock(config));
        this.upBlocks = child("up_blocks", new ModuleList<>());
        for (int i = 0; i < n; i++) {
            boolean attn = config.upBlockTypes().get(i).equals("CrossAttnUpBlock2D");
            upBlocks.add(new UNetUpBlock(config, i, attn, i < n - 1));
        }
        this.convNormOut = child("conv_norm_out", new GroupNorm(config.normNumGroups(), ch.get(0),
                (float) config.normEps()));
        this.convOut = child("conv_out", new Conv2d(ch.get(0), config.outChannels(), config.convOutKernel(), 1,
                (config.convOutKernel() - 1) / 2));
    }

    /**
     * Loads a diffusers {@code unet} folder ({@code config.json} + {@code diffusion_pytorch_model.safetensors})
     * into {@code manager}.
     */
    public static UNet2DConditionModel load(Path folder, NDManager manager) {
        UNet2DConditionModel model = new UNet2DConditionModel(UNetConfig.read(folder.resolve("config.json")));
        Path weights = folder.resolve("diffusion_pytorch_model.safetensors");
        if (!Files.isRegularFile(weights)) {
            throw new IllegalArgumentException("UNet folder " + folder + " has no diffusion_pytorch_model.safetensors");
        }
        ModelWeights.load(model, weights, manager, "");
        return model;
    }

    /**
     * Predicts the noise (or v) for a noisy latent.
     *
     * @param sample              {@code [batch, in_channels, height, width]} noisy latents
     * @param timestep            {@code [batch]} or a scalar (broadcast to the batch), integer or float
     * @param encoderHiddenStates {@code [batch, seq, cross_attention_dim]} text embeddings
     * @return {@code [batch, out_channels, height, width]} in {@code sample}'s manager
     */
    public NDArray forward(NDArray sample, NDArray timestep, NDArray encoderHiddenStates) {
        return forward(sample, timestep, encoderHiddenStates, null);
    }

    /**
     * As {@link #forward(NDArray, NDArray, NDArray)}; if {@code intermediates} is not null it receives copies of
     * {@code time_proj}, {@code time_embedding}, {@code conv_in}, {@code down_blocks.N}, {@code mid_block},
     * {@code up_blocks.N} and {@code conv_norm_out} outputs (owned by the caller).
     */
    public NDArray forward(NDArray sample, NDArray timestep, NDArray encoderHiddenStates,
                           Map<String, NDArray> intermediates) {
        Shape s = sample.getShape();
        if (s.dimension() != 4 || s.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("UNet sample must be [batch, " + config.inChannels()
                    + ", height, width] but got " + s);
        }
        long batch = s.get(0);
        Shape e = encoderHiddenStates.getShape();
        if (e.dimension() != 3 || e.get(0) != batch) {
            throw new IllegalArgumentException("encoder_hidden_states must be [" + batch + ", seq, dim] but got " + e);
        }
        int n = config.blockOutChannels().size();
        int factor = 1 << (n - 1);
        boolean explicitUpsampleSize = s.get(2) % factor != 0 || s.get(3) % factor != 0;
        Deque<NDArray> skips = new ArrayDeque<>();
        try (Temporaries t = new Temporaries()) {
            NDArray ts = t.add(broadcastTimestep(timestep, batch));
            NDArray tProj = t.add(timeProj.forward(ts));
            capture(intermediates, TIME_PROJ, tProj);
            NDArray emb = t.add(timeEmbedding.forward(tProj));
            capture(intermediates, TIME_EMBEDDING, emb);

            NDArray x = sample;
            if (config.centerInputSample()) {
                x = t.add(t.add(sample.mul(2f)).sub(1f));
            }
            NDArray h = convIn.forward(x);
            skips.addLast(h);
            capture(intermediates, CONV_IN, h);
            for (int i = 0; i < n; i++) {
                h = downBlocks.get(i).forward(h, emb, encoderHiddenStates, skips);
                capture(intermediates, "down_blocks." + i, h);
            }
            if (midBlock != null) {
                h = t.add(midBlock.forward(h, emb, encoderHiddenStates));
                capture(intermediates, MID_BLOCK, h);
            }
            for (int i = 0; i < n; i++) {
                UNetUpBlock up = upBlocks.get(i);
                long[] size = null;
                if (explicitUpsampleSize && i < n - 1) {
                    // the skip the next block starts with fixes the size after upsampling
                    Shape next = skipAfter(skips, upResnetCount(i)).getShape();
                    size = new long[] {next.get(2), next.get(3)};
                }
                h = t.add(up.forward(h, skips, emb, encoderHiddenStates, size));
                capture(intermediates, "up_blocks." + i, h);
            }
            NDArray normed = t.add(convNormOut.forward(h));
            capture(intermediates, CONV_NORM_OUT, normed);
            NDArray act = t.add(config.activation().apply(normed));
            return convOut.forward(act);
        } finally {
            skips.forEach(NDArray::close);
        }
    }

    private int upResnetCount(int upIndex) {
        return config.layersPerBlock().get(config.blockOutChannels().size() - 1 - upIndex) + 1;
    }

    /** The skip that will be on top of the stack after {@code pops} removals. */
    private static NDArray skipAfter(Deque<NDArray> skips, int pops) {
        var it = skips.descendingIterator();
        for (int i = 0; i < pops; i++) {
            it.next();
        }
        return it.next();
    }

    private static NDArray broadcastTimestep(NDArray timestep, long batch) {
        Shape ts = timestep.getShape();
        if (ts.dimension() == 0 || (ts.dimension() == 1 && ts.get(0) == 1 && batch != 1)) {
            try (NDArray flat = timestep.reshape(1)) {
                return flat.repeat(0, batch);
            }
        }
        if (ts.dimension() != 1 || ts.get(0) != batch) {
            throw new IllegalArgumentException("timestep must be a scalar or [" + batch + "] but got " + ts);
        }
        return timestep.toType(timestep.getDataType(), true);
    }

    private static void capture(Map<String, NDArray> sink, String name, NDArray value) {
        if (sink != null) {
            sink.put(name, value.duplicate());
        }
    }

    public UNetConfig config() {
        return config;
    }

    public Timesteps timeProj() {
        return timeProj;
    }
}
