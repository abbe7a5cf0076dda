package dev.likeness.training.method.svdiff;

import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Parameter;

import java.util.Locale;

/**
 * How large an SVDiff artifact is next to the network it shifts, from parameter shapes alone (no weights needed):
 * one float32 per singular value of every matrix weight and one per norm weight, against every float32 weight.
 *
 * @param deltaValues  number of spectral-shift values ({@code Σ min(m, n)} + one per norm weight)
 * @param weightValues number of parameters of the network
 */
public record SvdiffSize(long deltaValues, long weightValues) {

    /** Sizes for a module built from its config (weights may be unloaded). */
    public static SvdiffSize of(Module network) {
        long deltas = 0;
        long weights = 0;
        for (var e : network.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            weights += p.shape().size();
            if (SvdiffMethod.isTarget(e.getKey(), p.shape())) {
                long m = p.shape().get(0);
                deltas += p.shape().dimension() == 1 ? 1 : Math.min(m, p.shape().size() / m);
            }
        }
        return new SvdiffSize(deltas, weights);
    }

    public long deltaBytes() {
        return deltaValues * 4;
    }

    public long weightBytes() {
        return weightValues * 4;
    }

    /** deltas ÷ weights. */
    public double ratio() {
        return (double) deltaValues / weightValues;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SVDiff deltas %,d values (%.2f MB) vs %,d weights (%.2f GB fp32): ratio %.2e"
                + " (1 : %,.0f)", deltaValues, deltaBytes() / 1e6, weightValues, weightBytes() / 1e9, ratio(),
                1 / ratio());
    }
}
