package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** {@code y = x W^T + b} with torch's layout: {@code weight [out, in]}, optional {@code bias [out]}. */
public final class Linear extends Module {

    private final long inFeatures;
    private final long outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    public Linear(long inFeatures, long outFeatures, boolean bias) {
        if (inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException("Linear needs positive sizes, got in=" + inFeatures + " out="
                    + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = parameter("weight", new Shape(outFeatures, inFeatures));
        this.bias = bias ? parameter("bias", new Shape(outFeatures)) : null;
    }

    /**
     * @param x {@code [..., in]}
     * @return {@code [..., out]}, in {@code x}'s manager
     */
    public NDArray forward(NDArray x) {
        long last = x.getShape().get(x.getShape().dimension() - 1);
        if (last != inFeatures) {
            throw new IllegalArgumentException("Linear expects last dimension " + inFeatures + " but input has shape "
                    + x.getShape());
        }
        return ai.djl.nn.core.Linear.linear(x, weight.value(), bias == null ? null : bias.value()).singletonOrThrow();
    }

    public long inFeatures() {
        return inFeatures;
    }

    public long outFeatures() {
        return outFeatures;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias parameter, or {@code null} when the layer has none. */
    public Parameter bias() {
        return bias;
    }
}
