package dev.likeness.engine.model.resnet;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Resampling;

/**
 * diffusers' {@code Downsample2D} with a convolution: a 3x3 stride-2 {@code conv}. With {@code padding = 0} (the VAE)
 * the input is first zero-padded by one pixel on the right and bottom only, as diffusers does.
 */
public final class Downsample2D extends Module {

    private final int padding;
    private final Conv2d conv;

    public Downsample2D(long channels, long outChannels, int padding) {
        this.padding = padding;
        this.conv = child("conv", new Conv2d(channels, outChannels, 3, 2, padding));
    }

    /**
     * @param x {@code [batch, channels, height, width]}
     * @return {@code [batch, out, ceil(height/2), ceil(width/2)]}
     */
    public NDArray forward(NDArray x) {
        if (padding == 0) {
            try (NDArray padded = Resampling.padRightBottom(x)) {
                return conv.forward(padded);
            }
        }
        return conv.forward(x);
    }
}
