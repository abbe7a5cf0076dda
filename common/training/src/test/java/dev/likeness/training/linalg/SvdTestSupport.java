package dev.likeness.training.linalg;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared by the SVD and spectral-shift tests. */
public final class SvdTestSupport {

    private SvdTestSupport() {
    }

    /** A decomposition's factors as arrays of {@code m}: {@code U [m, k]}, {@code S [k]}, {@code Vh [k, n]}. */
    public static SpectralCache.Factors factors(ThinSvd svd, NDManager m) {
        int k = svd.rank();
        return new SpectralCache.Factors(m.create(svd.u(), new Shape(svd.m(), k)), m.create(svd.s()),
                m.create(svd.vh(), new Shape(k, svd.n())));
    }

    /** max |a - b| / max |b|. */
    public static double relMax(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double d = 0;
        double ref = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
            ref = Math.max(ref, Math.abs(b[i]));
        }
        return d / ref;
    }
}
