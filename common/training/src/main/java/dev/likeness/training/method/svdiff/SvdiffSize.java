package dev.likeness.training.method.svdiff;

import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.model.unet.UNet2DConditionModel;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.training.Sd15Shapes;

import java.util.Locale;

/**
 * How large an SVDiff artifact is next to the network it shifts, from parameter shapes alone (no weights needed):
 * one float32 per singular value of every matrix weight and one per norm weight, against every float32 weight.
 * {@link #sd15()} gives the SD 1.5 figures for the UNet, the UNet + text encoder and the whole checkpoint (the SVDiff
 * paper's "1.7 MB vs 3.66 GB" compares whole checkpoints).
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

    /** A network SVDiff never shifts (the VAE): its weights count, it adds no deltas. */
    public static SvdiffSize unshifted(Module network) {
        return new SvdiffSize(0, network.parameterCount());
    }

    /** Both networks together. */
    public SvdiffSize plus(SvdiffSize other) {
        return new SvdiffSize(deltaValues + other.deltaValues, weightValues + other.weightValues);
    }

    /**
     * SD 1.5's sizes from {@link Sd15Shapes} (no weights allocated): UNet, text encoder and VAE.
     */
    public static Checkpoint sd15() {
        return new Checkpoint(of(new UNet2DConditionModel(Sd15Shapes.unet())),
                of(new ClipTextModel(Sd15Shapes.textEncoder())), unshifted(new AutoencoderKL(Sd15Shapes.vae())));
    }

    /**
     * A whole Stable Diffusion checkpoint: what SVDiff adds when it tunes the UNet only or the UNet and the text
     * encoder, against the UNet alone, the UNet + text encoder (the trainable networks) and the whole checkpoint
     * (+ VAE).
     */
    public record Checkpoint(SvdiffSize unet, SvdiffSize textEncoder, SvdiffSize vae) {

        /** UNet + text-encoder deltas against UNet + text encoder + VAE weights. */
        public SvdiffSize whole() {
            return unet.plus(textEncoder).plus(vae);
        }

        /** UNet + text-encoder deltas against UNet + text-encoder weights. */
        public SvdiffSize unetAndTextEncoder() {
            return unet.plus(textEncoder);
        }

        /** UNet-only deltas against the whole checkpoint. */
        public SvdiffSize unetDeltasInWhole() {
            return new SvdiffSize(unet.deltaValues, whole().weightValues);
        }

        @Override
        public String toString() {
            return String.join(System.lineSeparator(),
                    "UNet only:                          " + unet,
                    "UNet + text encoder:                " + unetAndTextEncoder(),
                    "UNet deltas, whole checkpoint:      " + unetDeltasInWhole(),
                    "UNet + TE deltas, whole checkpoint: " + whole());
        }
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
        return String.format(Locale.ROOT, "SVDiff deltas %,d values (%.2f MB = %.2f MiB) vs %,d weights (%.2f GB ="
                + " %.2f GiB fp32): ratio %.2e (1 : %,.0f)", deltaValues, deltaBytes() / 1e6, deltaBytes() / 1048576.0,
                weightValues, weightBytes() / 1e9, weightBytes() / 1073741824.0, ratio(), 1 / ratio());
    }
}
