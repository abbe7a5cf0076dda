package dev.likeness.worldmodels.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.model.vae.DiagonalGaussian;

import java.util.Arrays;

/**
 * Reconstruction quality of a VAE through the engine's inference path: encode, take the posterior mode, decode,
 * clamp to [-1, 1]. PSNR is per image over [0, 1] pixel values, {@code 10·log10(1 / MSE)}, averaged over images.
 */
public final class VaeQuality {

    private VaeQuality() {
    }

    /**
     * Reconstructs {@code x} without recording gradients.
     *
     * @param x {@code [batch, 3, height, width]} in [-1, 1]
     * @return {@code [batch, 3, height, width]} in [-1, 1], owned by {@code x}'s manager
     */
    public static NDArray reconstruct(AutoencoderKL vae, NDArray x) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (DiagonalGaussian posterior = vae.encode(x); NDArray mode = posterior.mode();
             NDArray rec = vae.decode(mode)) {
            NDArray out = rec.clip(-1f, 1f);
            out.attach(x.getManager());
            return out;
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    /** Mean per-image PSNR in dB of the first {@code n} images of {@code pool}, in batches of {@code batch}. */
    public static double meanPsnr(AutoencoderKL vae, ImagePool pool, int n, int batch, NDManager manager) {
        return Arrays.stream(perImagePsnr(vae, pool, n, batch, manager, false)).average().orElseThrow();
    }

    /**
     * Mean per-image PSNR in dB over the object pixels only ({@link ImagePool#objectMask}) of the first {@code n}
     * images of {@code pool}: the backgrounds are most of each image and dominate {@link #meanPsnr}; this says how
     * well the objects themselves (what captions name) survive. Images without object pixels are skipped.
     */
    public static double meanObjectPsnr(AutoencoderKL vae, ImagePool pool, int n, int batch, NDManager manager) {
        return Arrays.stream(perImagePsnr(vae, pool, n, batch, manager, true)).filter(v -> !Double.isNaN(v))
                .average().orElseThrow(() -> new IllegalArgumentException("none of the first " + n
                        + " images shows an object"));
    }

    // PSNR of each image over all its pixels, or over its object pixels (NaN for an image without any)
    private static double[] perImagePsnr(AutoencoderKL vae, ImagePool pool, int n, int batch, NDManager manager,
                                         boolean objectsOnly) {
        if (n <= 0 || n > pool.size()) {
            throw new IllegalArgumentException("PSNR needs 1.." + pool.size() + " images, asked for " + n);
        }
        double[] psnr = new double[n];
        int plane = pool.side() * pool.side();
        for (int from = 0; from < n; from += batch) {
            int len = Math.min(batch, n - from);
            int[] idx = new int[len];
            for (int i = 0; i < len; i++) {
                idx[i] = from + i;
            }
            try (NDScope ignored = new NDScope(); NDManager sm = manager.newSubManager()) {
                NDArray x = pool.batch(idx, sm);
                float[] a = x.toFloatArray();
                float[] r = reconstruct(vae, x).toFloatArray();
                for (int i = 0; i < len; i++) {
                    byte[] mask = objectsOnly ? pool.objectMask(idx[i]) : null;
                    double se = 0;
                    int pixels = 0;
                    for (int p = 0; p < plane; p++) {
                        if (mask != null && mask[p] != 1) {
                            continue;
                        }
                        pixels++;
                        for (int c = 0; c < 3; c++) {
                            int j = (i * 3 + c) * plane + p;
                            double d = (a[j] - r[j]) / 2.0; // [-1, 1] → [0, 1] units
                            se += d * d;
                        }
                    }
                    psnr[from + i] = pixels == 0 ? Double.NaN
                            : 10 * Math.log10(1.0 / Math.max(se / (3.0 * pixels), 1e-12));
                }
            }
        }
        return psnr;
    }
}
