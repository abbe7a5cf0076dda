package dev.likeness.engine.model.resnet;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Resampling;

/** diffusers' {@code Upsample2D} with a convolution: nearest-neighbour 2x (or to a given size), then a 3x3 {@code conv}. */
public final class Upsample2D extends Module {

    private final Conv2d conv;

    public Upsample2D(long channels, long outChannels) {
        this.conv = child("conv", new Conv2d(channels, outChannels, 3, 1, 1));
    }

    /**
     * @param x {@code [batch, channels, height, width]}
     * @return {@code [batch, out, 2 height, 2 width]}
     */
    public NDArray forward(NDArray x) {
        try (NDArray up = Resampling.nearest2x(x)) {
            return conv.forward(up);
        }
    }

    /**
     * Upsamples to an explicit size (used by the UNet when the input size is not a multiple of its total
     * downsampling factor).
     *
     * @param x {@code [batch, channels, height, width]}
     * @return {@code [batch, out, outHeight, outWidth]}
     */
    public NDArray forward(NDArray x, long outHeight, long outWidth) {
        try (NDArray up = Resampling.nearest(x, outHeight, outWidth)) {
            return conv.forward(up);
        }
    }
}
