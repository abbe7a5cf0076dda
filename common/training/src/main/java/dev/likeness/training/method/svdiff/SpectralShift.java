package dev.likeness.training.method.svdiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.likeness.training.linalg.SpectralCache;

import java.util.Objects;

/**
 * The frozen spectral decomposition of one base weight and the rule that recomposes it from a shift {@code δ}:
 * <ul>
 *   <li>matrix weights (Linear {@code [out, in]}, Embedding {@code [num, dim]}, Conv2d {@code [out, in, h, w]} seen
 *       as {@code [out, in·h·w]}): {@code W = U · diag(ReLU(σ + δ)) · Vh}, {@code δ [min(m, n)]};</li>
 *   <li>norm weights (GroupNorm/LayerNorm {@code [n]}, a 1 × n matrix whose only singular value is ‖w‖):
 *       {@code w · ReLU(‖w‖ + δ) / ‖w‖}, {@code δ [1]}.</li>
 * </ul>
 * The recomposition is computed as {@code (U * ReLU(σ + δ)) @ Vh}: a broadcast multiply of {@code U}'s columns, not a
 * matmul with a diagonal matrix. Arrays are owned by the caller; this class never closes them.
 */
public final class SpectralShift {

    /**
     * A 0-d tensor allocated by torch. DJL's {@code mul(Number)}/{@code div(Number)} wrap the number in an array
     * backed by a Java buffer and close it at once; autograd keeps that tensor for the backward pass, and once the
     * garbage collector frees the buffer the gradient reads freed memory. Torch-owned scalars stay valid as long as
     * the graph needs them.
     */
    public static NDArray torchScalar(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType());
    }

    /** How a weight is shifted. */
    public enum Kind { MATRIX, NORM }

    private final String key;
    private final Shape shape;
    private final Kind kind;
    private final NDArray u;
    private final NDArray s;
    private final NDArray vh;
    private final NDArray normWeight;
    private final float norm;

    private SpectralShift(String key, Shape shape, Kind kind, NDArray u, NDArray s, NDArray vh, NDArray normWeight,
                          float norm) {
        this.key = key;
        this.shape = shape;
        this.kind = kind;
        this.u = u;
        this.s = s;
        this.vh = vh;
        this.normWeight = normWeight;
        this.norm = norm;
    }

    /** A matrix weight of the given original shape with its factors ({@code U [m, k]}, {@code S [k]}, {@code Vh [k, n]}). */
    public static SpectralShift matrix(String key, Shape weightShape, SpectralCache.Factors factors) {
        Objects.requireNonNull(factors, "factors of " + key);
        long m = weightShape.get(0);
        long n = weightShape.size() / m;
        long k = Math.min(m, n);
        if (!factors.u().getShape().equals(new Shape(m, k)) || !factors.s().getShape().equals(new Shape(k))
                || !factors.vh().getShape().equals(new Shape(k, n))) {
            throw new IllegalArgumentException("SVD factors of '" + key + "' do not fit its shape " + weightShape
                    + ": U " + factors.u().getShape() + ", S " + factors.s().getShape() + ", Vh "
                    + factors.vh().getShape());
        }
        return new SpectralShift(key, weightShape, Kind.MATRIX, factors.u(), factors.s(), factors.vh(), null, 0f);
    }

    /** A 1-D norm weight {@code w [n]} (kept by reference; its norm is read once). */
    public static SpectralShift norm(String key, NDArray weight) {
        if (weight.getShape().dimension() != 1) {
            throw new IllegalArgumentException("norm weight '" + key + "' must be 1-D, got " + weight.getShape());
        }
        float n;
        try (NDArray sq = weight.square(); NDArray sum = sq.sum()) {
            n = (float) Math.sqrt(sum.getFloat());
        }
        if (!(n > 0)) {
            throw new IllegalArgumentException("norm weight '" + key + "' is all zeros: it has no spectral shift");
        }
        return new SpectralShift(key, weight.getShape(), Kind.NORM, null, null, null, weight, n);
    }

    /** Weight key as in the checkpoint, e.g. {@code down_blocks.0.resnets.0.conv1.weight}. */
    public String key() {
        return key;
    }

    /** Artifact key: {@code .weight} replaced by {@code .delta}. */
    public String deltaKey() {
        return deltaKey(key);
    }

    public static String deltaKey(String weightKey) {
        return (weightKey.endsWith(".weight") ? weightKey.substring(0, weightKey.length() - ".weight".length())
                : weightKey) + ".delta";
    }

    public Shape weightShape() {
        return shape;
    }

    public Kind kind() {
        return kind;
    }

    /** Length of {@code δ}: {@code min(m, n)} for matrices, 1 for norms. */
    public long deltaLength() {
        return kind == Kind.NORM ? 1 : s.getShape().get(0);
    }

    /** Frozen singular values {@code [k]} (matrices only). */
    public NDArray singularValues() {
        return s;
    }

    /**
     * The effective weight for a shift (autograd flows into {@code delta}).
     *
     * @param delta {@code [deltaLength()]}
     * @param scale global scale of the shift (1 = as trained)
     * @return the recomposed weight with {@link #weightShape()}, in the manager of the frozen factors; intermediates
     *         are closed
     */
    public NDArray recompose(NDArray delta, float scale) {
        if (delta.getShape().dimension() != 1 || delta.getShape().get(0) != deltaLength()) {
            throw new IllegalArgumentException("delta of '" + key + "' must have shape (" + deltaLength() + "), got "
                    + delta.getShape());
        }
        if (kind == Kind.NORM) {
            // w · ReLU(‖w‖ + scale·δ) / ‖w‖ with ‖w‖ a frozen constant
            try (NDArray s = torchScalar(delta, scale); NDArray scaled = delta.mul(s);
                 NDArray shifted = scaled.add(norm); NDArray relu = Activation.relu(shifted);
                 NDArray inv = torchScalar(relu, 1f / norm); NDArray factor = relu.mul(inv)) {
                return normWeight.mul(factor);
            }
        }
        try (NDArray sc = scale == 1f ? null : torchScalar(delta, scale);
             NDArray scaled = sc == null ? null : delta.mul(sc);
             NDArray shifted = s.add(scaled == null ? delta : scaled);
             NDArray relu = Activation.relu(shifted);
             NDArray columns = u.mul(relu);
             NDArray flat = columns.matMul(vh)) {
            return flat.reshape(shape);
        }
    }
}
