package dev.likeness.engine.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/** Timestep selection shared by the discrete schedulers, with numpy's rounding (half to even) and float64 math. */
final class InferenceTimesteps {

    private InferenceTimesteps() {
    }

    /** DDPM/DDIM {@code set_timesteps}: n integer timesteps, most noisy first. */
    static long[] select(SchedulerConfig config, int n) {
        int trainSteps = config.numTrainTimesteps();
        if (n < 1 || n > trainSteps) {
            throw new IllegalArgumentException("number of inference steps must be in [1, " + trainSteps + "], got " + n);
        }
        long[] out = new long[n];
        switch (config.timestepSpacing()) {
            case LINSPACE -> {
                double[] lin = linspace(0, trainSteps - 1, n);
                for (int i = 0; i < n; i++) {
                    out[i] = (long) Math.rint(lin[n - 1 - i]);
                }
            }
            case LEADING -> {
                int ratio = trainSteps / n;
                for (int i = 0; i < n; i++) {
                    out[i] = (long) (n - 1 - i) * ratio + config.stepsOffset();
                }
            }
            case TRAILING -> {
                double ratio = (double) trainSteps / n;
                for (int i = 0; i < n; i++) {
                    out[i] = (long) Math.rint(trainSteps - i * ratio) - 1;
                }
            }
        }
        return out;
    }

    /** numpy.linspace in float64: start + i·step, last element exactly {@code stop}. */
    static double[] linspace(double start, double stop, int n) {
        double[] out = new double[n];
        if (n == 1) {
            out[0] = start;
            return out;
        }
        double step = (stop - start) / (n - 1);
        for (int i = 0; i < n; i++) {
            out[i] = start + i * step;
        }
        out[n - 1] = stop;
        return out;
    }

    /** Position of {@code t} in {@code timesteps}; fails naming the timestep if it is not one of them. */
    static int indexOf(long[] timesteps, long t) {
        for (int i = 0; i < timesteps.length; i++) {
            if (timesteps[i] == t) {
                return i;
            }
        }
        throw new IllegalArgumentException("timestep " + t + " is not one of the scheduler's timesteps "
                + java.util.Arrays.toString(timesteps) + " (call setTimesteps first)");
    }

    /** Hands arrays computed inside a closed {@link NDScope} to the caller's scope, if it has one. */
    static StepOutput escape(NDArray prev, NDArray x0) {
        NDScope.register(prev);
        NDScope.register(x0);
        return new StepOutput(prev, x0);
    }
}
