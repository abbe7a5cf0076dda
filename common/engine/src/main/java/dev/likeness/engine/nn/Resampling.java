package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Parameter-free spatial resampling on {@code [batch, channels, height, width]} arrays. */
public final class Resampling {

    private Resampling() {
    }

    /**
     * Nearest-neighbour 2x upsampling (torch {@code interpolate(scale_factor=2, mode="nearest")}): a broadcast view
     * copied once into the result.
     *
     * @param x {@code [batch, channels, height, width]}
     * @return {@code [batch, channels, 2 height, 2 width]}, in {@code x}'s manager
     */
    public static NDArray nearest2x(NDArray x) {
        Shape s = requireImage(x);
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        try (NDArray v = x.reshape(n, c, h, 1, w, 1); NDArray b = v.broadcast(new Shape(n, c, h, 2, w, 2))) {
            return b.reshape(n, c, h * 2, w * 2);
        }
    }

    /**
     * Nearest-neighbour resize to an explicit size, with torch's legacy {@code nearest} index rule
     * {@code src = floor(dst * in / out)}.
     *
     * @param x {@code [batch, channels, height, width]}
     * @return {@code [batch, channels, outHeight, outWidth]}, in {@code x}'s manager
     */
    public static NDArray nearest(NDArray x, long outHeight, long outWidth) {
        Shape s = requireImage(x);
        if (outHeight == s.get(2) * 2 && outWidth == s.get(3) * 2) {
            return nearest2x(x);
        }
        if (outHeight <= 0 || outWidth <= 0) {
            throw new IllegalArgumentException("nearest resize needs a positive size, got " + outHeight + "x"
                    + outWidth);
        }
        try (Temporaries t = new Temporaries()) {
            NDArray rows = t.add(indices(x, s.get(2), outHeight));
            NDArray cols = t.add(indices(x, s.get(3), outWidth));
            NDArray r = t.add(x.get(new NDIndex(":, :, {}", rows)));
            return r.get(new NDIndex(":, :, :, {}", cols));
        }
    }

    private static NDArray indices(NDArray like, long in, long out) {
        long[] idx = new long[(int) out];
        double scale = (double) in / out;
        for (int i = 0; i < out; i++) {
            idx[i] = Math.min((long) Math.floor(i * scale), in - 1);
        }
        return like.getManager().create(idx).toType(DataType.INT64, false);
    }

    /**
     * Zero padding of the right and bottom edges by one pixel, as diffusers' {@code Downsample2D} with
     * {@code padding=0} does before its stride-2 convolution.
     *
     * @param x {@code [batch, channels, height, width]}
     * @return {@code [batch, channels, height + 1, width + 1]}, in {@code x}'s manager
     */
    public static NDArray padRightBottom(NDArray x) {
        requireImage(x);
        return x.pad(new Shape(0, 1, 0, 1), 0);
    }

    private static Shape requireImage(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("expected [batch, channels, height, width] but got " + s);
        }
        return s;
    }
}
