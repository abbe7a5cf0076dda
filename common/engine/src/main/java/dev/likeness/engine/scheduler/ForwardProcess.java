package dev.likeness.engine.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** q(x_t | x₀) = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε and the v target, shared by the ᾱ-parameterised schedulers. */
final class ForwardProcess {

    private ForwardProcess() {
    }

    /** Ho et al. 2020, eq. 4. All arrays {@code [batch, …]}; {@code timesteps} is {@code [batch]} or a scalar. */
    static NDArray addNoise(BetaSchedule schedule, NDArray original, NDArray noise, NDArray timesteps) {
        float[][] c = coefficients(schedule, timesteps, original.getShape());
        return combine(original, c[0], noise, c[1]);
    }

    /** Salimans &amp; Ho 2022, §4: v = √ᾱ_t·ε − √(1−ᾱ_t)·x₀. */
    static NDArray velocity(BetaSchedule schedule, NDArray sample, NDArray noise, NDArray timesteps) {
        float[][] c = coefficients(schedule, timesteps, sample.getShape());
        float[] minusSigma = new float[c[1].length];
        for (int i = 0; i < minusSigma.length; i++) {
            minusSigma[i] = -c[1][i];
        }
        return combine(noise, c[0], sample, minusSigma);
    }

    /** a·x + b·y with per-sample coefficients, owned by x's manager; temporaries closed. */
    static NDArray combine(NDArray x, float[] a, NDArray y, float[] b) {
        NDManager m = x.getManager();
        try (NDManager scratch = m.newSubManager()) {
            NDArray ca = perSample(scratch, a, x.getShape());
            NDArray cb = perSample(scratch, b, x.getShape());
            NDArray out = ca.mul(x).add(cb.mul(y));
            out.attach(m);
            return out;
        }
    }

    /** {√ᾱ_t, √(1−ᾱ_t)} per batch element, in float32 like torch. */
    private static float[][] coefficients(BetaSchedule schedule, NDArray timesteps, Shape sampleShape) {
        long[] ts = timesteps(timesteps);
        long batch = sampleShape.get(0);
        if (ts.length != 1 && ts.length != batch) {
            throw new IllegalArgumentException("got " + ts.length + " timesteps for a batch of " + batch);
        }
        float[] sa = new float[(int) batch];
        float[] sb = new float[(int) batch];
        for (int i = 0; i < batch; i++) {
            float ac = schedule.alphaCumprod(ts[ts.length == 1 ? 0 : i]);
            sa[i] = (float) Math.sqrt(ac);
            sb[i] = (float) Math.sqrt(1f - ac);
        }
        return new float[][] {sa, sb};
    }

    /** Integer timesteps of any integer or float array (float timesteps are truncated, as torch indexing needs). */
    static long[] timesteps(NDArray timesteps) {
        if (timesteps.getDataType() == ai.djl.ndarray.types.DataType.INT64) {
            return timesteps.toLongArray();
        }
        try (NDArray converted = timesteps.toType(ai.djl.ndarray.types.DataType.INT64, false)) {
            return converted.toLongArray();
        }
    }

    /** Values as a {@code [batch, 1, 1, …]} array broadcastable against {@code shape}. */
    static NDArray perSample(NDManager manager, float[] values, Shape shape) {
        long[] dims = new long[shape.dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[0] = values.length;
        return manager.create(values, new Shape(dims));
    }
}
