package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Temporaries;

/**
 * diffusers' {@code Timesteps} ({@code time_proj}, no weights): sinusoidal embedding of the timestep with frequencies
 * {@code exp(-ln(10000) * i / (half - downscale_freq_shift))}, {@code [sin, cos]} or, with {@code flip_sin_to_cos},
 * {@code [cos, sin]}. Computed in float32 in the same order as diffusers, so large timesteps round identically.
 */
public final class Timesteps extends Module {

    private final int channels;
    private final boolean flipSinToCos;
    private final float downscaleFreqShift;

    public Timesteps(int channels, boolean flipSinToCos, float downscaleFreqShift) {
        this.channels = channels;
        this.flipSinToCos = flipSinToCos;
        this.downscaleFreqShift = downscaleFreqShift;
    }

    /**
     * @param timesteps {@code [batch]} (integer or float)
     * @return {@code [batch, channels]} float32
     */
    public NDArray forward(NDArray timesteps) {
        if (timesteps.getShape().dimension() != 1) {
            throw new IllegalArgumentException("timesteps must be 1-D [batch] but got " + timesteps.getShape());
        }
        int half = channels / 2;
        NDManager m = timesteps.getManager();
        long batch = timesteps.getShape().get(0);
        try (Temporaries t = new Temporaries()) {
            NDArray ts = t.add(timesteps.toType(DataType.FLOAT32, true)).reshape(batch, 1);
            t.add(ts);
            NDArray exponent = t.add(m.arange(0f, (float) half, 1f, DataType.FLOAT32));
            exponent.muli((float) -Math.log(10000.0));
            exponent.divi(half - downscaleFreqShift);
            NDArray freqs = t.add(t.add(exponent.exp()).reshape(1, half));
            NDArray args = t.add(ts.mul(freqs));
            NDArray sin = t.add(args.sin());
            NDArray cos = t.add(args.cos());
            NDArray emb = flipSinToCos ? cos.concat(sin, 1) : sin.concat(cos, 1);
            if (channels % 2 == 1) {
                t.add(emb);
                return emb.pad(new Shape(0, 1), 0);
            }
            return emb;
        }
    }

    public int channels() {
        return channels;
    }
}
