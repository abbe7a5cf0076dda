package dev.likeness.training.optim;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * Global-norm gradient clipping with torch's {@code clip_grad_norm_} semantics: total = sqrt(Σ‖g‖²) over all
 * gradients, coefficient = maxNorm / (total + 1e-6) clamped to at most 1, every gradient multiplied in place.
 * (DJL's own {@code clipGrad} clips element-wise, which is a different operation.)
 */
public final class GradientClipping {

    private GradientClipping() {
    }

    /**
     * The global L2 norm of {@code gradients}, computed as torch does: the norm of the per-tensor norms, in float32.
     */
    public static float globalNorm(List<NDArray> gradients) {
        if (gradients.isEmpty()) {
            return 0f;
        }
        float[] norms = new float[gradients.size()];
        for (int i = 0; i < norms.length; i++) {
            NDArray g = gradients.get(i);
            try (NDArray n = g.norm()) {
                norms[i] = n.getFloat();
            }
        }
        double sum = 0;
        for (float n : norms) {
            sum += (double) n * n;
        }
        return (float) Math.sqrt(sum);
    }

    /**
     * Scales {@code gradients} in place so their global norm is at most {@code maxNorm}.
     *
     * @return the total norm before clipping (may be NaN or infinite; then gradients are left untouched)
     */
    public static float clipGlobalNorm(List<NDArray> gradients, float maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        float total = globalNorm(gradients);
        if (!Float.isFinite(total)) {
            return total;
        }
        float coef = Math.min(maxNorm / (total + 1e-6f), 1f);
        if (coef < 1f) {
            for (NDArray g : gradients) {
                g.muli(coef);
            }
        }
        return total;
    }
}
