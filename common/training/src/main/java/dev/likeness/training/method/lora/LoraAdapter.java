package dev.likeness.training.method.lora;

import ai.djl.ndarray.NDArray;
import dev.likeness.training.method.svdiff.SpectralShift;

/**
 * A low-rank update of one linear weight {@code W [out, in]}: {@code W' = W + scale · up · down} with
 * {@code down [r, in]} and {@code up [out, r]}. Arrays are owned by the caller.
 */
public record LoraAdapter(String weightKey, NDArray down, NDArray up) {

    public LoraAdapter {
        long r = down.getShape().get(0);
        if (down.getShape().dimension() != 2 || up.getShape().dimension() != 2 || up.getShape().get(1) != r) {
            throw new IllegalArgumentException("LoRA adapter of '" + weightKey + "': down " + down.getShape()
                    + " and up " + up.getShape() + " are not [r, in] and [out, r]");
        }
    }

    public int rank() {
        return (int) down.getShape().get(0);
    }

    /**
     * {@code base + scale · up · down} (autograd flows into {@code up} and {@code down}).
     *
     * @return {@code [out, in]} in {@code up}'s manager; intermediates are closed
     */
    public NDArray apply(NDArray base, float scale) {
        if (base.getShape().get(0) != up.getShape().get(0) || base.getShape().get(1) != down.getShape().get(1)) {
            throw new IllegalArgumentException("LoRA adapter of '" + weightKey + "' (up " + up.getShape() + ", down "
                    + down.getShape() + ") does not fit the weight " + base.getShape());
        }
        try (NDArray product = up.matMul(down); NDArray s = SpectralShift.torchScalar(product, scale);
             NDArray scaled = product.mul(s)) {
            return scaled.add(base);
        }
    }

    /** {@code scale · up · down}, in {@code up}'s manager. */
    public NDArray update(float scale) {
        try (NDArray product = up.matMul(down); NDArray s = SpectralShift.torchScalar(product, scale)) {
            return product.mul(s);
        }
    }
}
