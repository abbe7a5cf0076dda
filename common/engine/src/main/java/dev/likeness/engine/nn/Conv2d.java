package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/** 2-D convolution with torch's layout: {@code weight [out, in, k, k]}, {@code bias [out]}; square kernel. */
public final class Conv2d extends Module {

    /**
     * While gradients are recorded, a layer whose output channels are not a multiple of this is computed with its
     * weight zero-padded to the next multiple and the extra channels sliced off. libtorch 2.7.1's oneDNN (v3.7.1)
     * computes the input gradient of such a layer wrong on some CPUs (AMD Zen 5 with AVX-512: its
     * {@code jit:avx512_core} backward-data kernel with an output-channel tail gave 60 % error on a UNet's 32 → 4
     * {@code conv_out}; {@code Conv2dGradientTest}). Padded, the same kernel runs without a tail and is right; the
     * extra channels get zero gradient. Inference (no gradients) keeps the plain call.
     */
    static final int OUT_CHANNEL_BLOCK = 16;
    private static final Shape UNIT = new Shape(1, 1);

    private final long inChannels;
    private final long outChannels;
    private final int kernel;
    private final Shape stride;
    private final Shape padding;
    private final Parameter weight;
    private final Parameter bias;

    public Conv2d(long inChannels, long outChannels, int kernel, int stride, int padding) {
        this(inChannels, outChannels, kernel, stride, padding, true);
    }

    public Conv2d(long inChannels, long outChannels, int kernel, int stride, int padding, boolean bias) {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("invalid Conv2d(in=" + inChannels + ", out=" + outChannels
                    + ", kernel=" + kernel + ", stride=" + stride + ", padding=" + padding + ")");
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
        this.weight = parameter("weight", new Shape(outChannels, inChannels, kernel, kernel));
        this.bias = bias ? parameter("bias", new Shape(outChannels)) : null;
    }

    /**
     * @param x {@code [batch, in, height, width]}
     * @return {@code [batch, out, height', width']}, in {@code x}'s manager
     */
    public NDArray forward(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != inChannels) {
            throw new IllegalArgumentException("Conv2d expects [batch, " + inChannels + ", height, width] but got "
                    + s);
        }
        return apply(x, weight.value(), bias == null ? null : bias.value(), stride, padding);
    }

    /**
     * A square-kernel convolution of {@code x} with {@code weight [out, in, k, k]} and {@code bias [out]} (or null),
     * with the workaround described at {@link #OUT_CHANNEL_BLOCK}. Code that convolves with its own weights (e.g.
     * recomposed or test weights) calls this instead of DJL's {@code conv2d} so that it gets the same workaround.
     */
    public static NDArray apply(NDArray x, NDArray weight, NDArray bias, Shape stride, Shape padding) {
        long out = weight.getShape().get(0);
        if (out % OUT_CHANNEL_BLOCK == 0 || !JniUtils.isGradMode()) {
            return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, bias, stride, padding, UNIT, 1)
                    .singletonOrThrow();
        }
        NDManager m = x.getManager();
        Shape ws = weight.getShape();
        long extra = OUT_CHANNEL_BLOCK - out % OUT_CHANNEL_BLOCK;
        NDArray w = weight.concat(m.zeros(new Shape(extra, ws.get(1), ws.get(2), ws.get(3))), 0);
        NDArray b = bias == null ? null : bias.concat(m.zeros(new Shape(extra)), 0);
        NDArray y = ai.djl.nn.convolutional.Conv2d.conv2d(x, w, b, stride, padding, UNIT, 1).singletonOrThrow();
        return y.get(":, 0:" + out);
    }

    public long inChannels() {
        return inChannels;
    }

    public long outChannels() {
        return outChannels;
    }

    public int kernel() {
        return kernel;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }
}
