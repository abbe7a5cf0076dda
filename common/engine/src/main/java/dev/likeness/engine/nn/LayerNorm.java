package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Layer normalisation over the last dimension with an affine {@code weight [dim]} and {@code bias [dim]}. */
public final class LayerNorm extends Module {

    private final long dim;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    public LayerNorm(long dim, float eps) {
        if (dim <= 0 || !(eps > 0)) {
            throw new IllegalArgumentException("invalid LayerNorm(dim=" + dim + ", eps=" + eps + ")");
        }
        this.dim = dim;
        this.eps = eps;
        this.weight = parameter("weight", new Shape(dim));
        this.bias = parameter("bias", new Shape(dim));
    }

    /**
     * @param x {@code [..., dim]}
     * @return same shape, in {@code x}'s manager
     */
    public NDArray forward(NDArray x) {
        long last = x.getShape().get(x.getShape().dimension() - 1);
        if (last != dim) {
            throw new IllegalArgumentException("LayerNorm expects last dimension " + dim + " but input has shape "
                    + x.getShape());
        }
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(dim), weight.value(), bias.value(), eps)
                .singletonOrThrow();
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
