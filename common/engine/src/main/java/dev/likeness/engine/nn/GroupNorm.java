package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Group normalisation as torch's {@code nn.GroupNorm(num_groups, num_channels, eps, affine=True)}: statistics per
 * (sample, group) over the group's channels and all spatial positions, then a per-channel affine
 * {@code weight [C]}, {@code bias [C]}. DJL has no group norm, so the input is viewed as {@code [N, G, C/G * spatial]}
 * and layer-normalised over the last axis (one fused kernel), then scaled per channel.
 */
public final class GroupNorm extends Module {

    private final int groups;
    private final long channels;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    public GroupNorm(int groups, long channels, float eps) {
        if (groups <= 0 || channels <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: " + channels + " channels cannot be split into " + groups
                    + " groups");
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("GroupNorm: eps must be positive, got " + eps);
        }
        this.groups = groups;
        this.channels = channels;
        this.eps = eps;
        this.weight = parameter("weight", new Shape(channels));
        this.bias = parameter("bias", new Shape(channels));
    }

    /**
     * @param x {@code [batch, channels, ...]} (typically {@code [batch, channels, height, width]})
     * @return same shape, in {@code x}'s manager
     */
    public NDArray forward(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() < 2 || s.get(1) != channels) {
            throw new IllegalArgumentException("GroupNorm expects [batch, " + channels + ", ...] but got " + s);
        }
        long perGroup = s.size() / (s.get(0) * groups);
        NDManager m = x.getManager();
        long[] affineShape = new long[s.dimension() - 1];
        java.util.Arrays.fill(affineShape, 1);
        affineShape[0] = channels;
        try (Temporaries t = new Temporaries()) {
            NDArray view = t.add(x.reshape(s.get(0), groups, perGroup));
            NDArray ones = t.add(m.ones(new Shape(perGroup), x.getDataType()));
            NDArray zeros = t.add(m.zeros(new Shape(perGroup), x.getDataType()));
            NDArray normed = t.add(ai.djl.nn.norm.LayerNorm.layerNorm(view, new Shape(perGroup), ones, zeros, eps)
                    .singletonOrThrow());
            NDArray back = t.add(normed.reshape(s));
            NDArray gamma = t.add(weight.value().reshape(affineShape));
            NDArray beta = t.add(bias.value().reshape(affineShape));
            NDArray scaled = t.add(back.mul(gamma));
            // in place: mul's backward needs its inputs, not its output; saves a full-size allocation
            return t.keep(scaled.addi(beta));
        }
    }

    public int groups() {
        return groups;
    }

    public float eps() {
        return eps;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }
}
