package dev.likeness.training.method.svdiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.likeness.training.linalg.SpectralCache;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The frozen spectral decomposition of one base weight and the rule that recomposes it from a shift {@code δ}:
 * <ul>
 *   <li>matrix weights (Linear {@code [out, in]}, Embedding {@code [num, dim]}, Conv2d {@code [out, in, h, w]} seen
 *       as {@code [out, in·h·w]}): {@code W = U · diag(ReLU(σ + δ)) · Vh}, {@code δ [min(m, n)]};</li>
 *   <li>norm weights (GroupNorm/LayerNorm {@code [n]}, a 1 × n matrix whose only singular value is ‖w‖):
 *       {@code w · ReLU(‖w‖ + δ) / ‖w‖}, {@code δ [1]}.</li>
 * </ul>
 * <p>By default matrices keep U, σ, Vh and recompose {@code (U * ReLU(σ + δ)) @ Vh}. With the system property
 * {@value #SMALL_FACTOR_PROPERTY}{@code =true} (experimental) they keep only the smaller singular-vector factor next to
 * the base weight {@code W}, which the model holds anyway: with {@code c = (ReLU(σ + δ) − σ) / σ}, for {@code m ≤ n}
 * {@code U·diag(ReLU(σ + δ))·Vh = W + (U·diag(c)·Uᵀ)·W} (because {@code Uᵀ·W = diag(σ)·Vh}), and for {@code m > n}
 * {@code = W + W·(V·diag(c)·Vᵀ)}. For SD 1.5's UNet that holds 0.89 GB of factors instead of 4.33 GB. Directions whose
 * σ is too small to divide by ({@code σ ≤ σ_max·}{@value #TINY_SIGMA}) cannot be recovered from {@code W}; their
 * rows of both factors are kept explicitly and shifted the plain way, so the result equals the full-factor
 * recomposition for every δ (up to float32 rounding, tested).
 * <p>In the small-factor form {@link #matrix} closes the larger factor; the base weight and everything else stay
 * owned by the caller. Each form is its own subclass (full factors, small factor, norm scale).
 */
public abstract sealed class SpectralShift {

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

    /**
     * System property that switches matrices to the small-factor recomposition (default off: with it,
     * {@code CutMixTrainingTest} hit a NaN gradient norm in about 1 of 7 runs at lr 1e-2 on an AVX2 machine; most
     * likely oneDNN's convolution-gradient bug that {@code Conv2d.apply} now works around, see docs/methods.md).
     */
    public static final String SMALL_FACTOR_PROPERTY = "likeness.svdiff.small_factor";

    /** Relative size below which a singular value is not divided by (float32 keeps ~7 digits). */
    public static final double TINY_SIGMA = 1e-5;

    private final String key;
    private final Shape shape;

    private SpectralShift(String key, Shape shape) {
        this.key = key;
        this.shape = shape;
    }

    /**
     * A matrix weight of the given original shape with its factors ({@code U [m, k]}, {@code S [k]}, {@code Vh [k, n]})
     * and its frozen base value ({@code weight}, {@code weightShape}), in the form the system property
     * {@value #SMALL_FACTOR_PROPERTY} selects (default: all three factors).
     */
    public static SpectralShift matrix(String key, Shape weightShape, SpectralCache.Factors factors, NDArray weight) {
        return matrix(key, weightShape, factors, weight, Boolean.getBoolean(SMALL_FACTOR_PROPERTY));
    }

    /**
     * As {@link #matrix(String, Shape, SpectralCache.Factors, NDArray)}, choosing the form: {@code smallFactor}
     * keeps the smaller factor and closes the other (after copying out the rows of any tiny-σ directions; new arrays
     * live in the factors' manager); otherwise U, S, Vh are kept as given (nothing is closed).
     */
    public static SpectralShift matrix(String key, Shape weightShape, SpectralCache.Factors factors, NDArray weight,
                                       boolean smallFactor) {
        Objects.requireNonNull(factors, "factors of " + key);
        Objects.requireNonNull(weight, "base weight of " + key);
        long m = weightShape.get(0);
        long n = weightShape.size() / m;
        long k = Math.min(m, n);
        if (!factors.u().getShape().equals(new Shape(m, k)) || !factors.s().getShape().equals(new Shape(k))
                || !factors.vh().getShape().equals(new Shape(k, n))) {
            throw new IllegalArgumentException("SVD factors of '" + key + "' do not fit its shape " + weightShape
                    + ": U " + factors.u().getShape() + ", S " + factors.s().getShape() + ", Vh "
                    + factors.vh().getShape());
        }
        if (!weight.getShape().equals(weightShape)) {
            throw new IllegalArgumentException("base weight of '" + key + "' has shape " + weight.getShape()
                    + " but the shift was built for " + weightShape);
        }
        return smallFactor ? SmallFactor.of(key, weightShape, factors, weight)
                : new FullFactor(key, weightShape, factors.u(), factors.s(), factors.vh());
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
        return new NormScale(key, weight, n);
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

    public abstract Kind kind();

    /** Length of {@code δ}: {@code min(m, n)} for matrices, 1 for norms. */
    public abstract long deltaLength();

    /** Frozen singular values {@code [k]} (matrices only; {@code null} for norms). */
    public abstract NDArray singularValues();

    /** Float32 values this shift keeps besides the base weight (0 for norms). */
    public abstract long residentValues();

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
        return recomposeChecked(delta, scale);
    }

    abstract NDArray recomposeChecked(NDArray delta, float scale);

    /** Matrix weights: the frozen σ and the shared {@code ReLU(σ + scale·δ)}. */
    private abstract static sealed class Matrix extends SpectralShift {
        final NDArray s;

        Matrix(String key, Shape shape, NDArray s) {
            super(key, shape);
            this.s = s;
        }

        @Override
        public Kind kind() {
            return Kind.MATRIX;
        }

        @Override
        public long deltaLength() {
            return s.getShape().get(0);
        }

        @Override
        public NDArray singularValues() {
            return s;
        }

        // ReLU(σ + scale·δ) [k]; the intermediates are closed (autograd keeps what it needs)
        NDArray shiftedSingularValues(NDArray delta, float scale) {
            try (NDArray sc = scale == 1f ? null : torchScalar(delta, scale);
                 NDArray scaled = sc == null ? null : delta.mul(sc);
                 NDArray shifted = s.add(scaled == null ? delta : scaled)) {
                return Activation.relu(shifted);
            }
        }
    }

    /** The default form: U [m, k], σ, Vh [k, n]; {@code (U * ReLU(σ + δ)) @ Vh}. */
    private static final class FullFactor extends Matrix {
        private final NDArray u;
        private final NDArray vh;

        FullFactor(String key, Shape shape, NDArray u, NDArray s, NDArray vh) {
            super(key, shape, s);
            this.u = u;
            this.vh = vh;
        }

        @Override
        NDArray recomposeChecked(NDArray delta, float scale) {
            // a broadcast multiply of U's columns, not a matmul with a diagonal matrix
            try (NDArray relu = shiftedSingularValues(delta, scale);
                 NDArray columns = u.mul(relu);
                 NDArray flat = columns.matMul(vh)) {
                return flat.reshape(weightShape());
            }
        }

        @Override
        public long residentValues() {
            return u.size() + s.size() + vh.size();
        }
    }

    /**
     * The experimental form: the base weight as {@code [m, n]}, the smaller factor as columns {@code [p, k]}
     * ({@code p = min(m, n)}) multiplying from the left ({@code m ≤ n}: U) or the right ({@code m > n}: V = Vhᵀ), 1/σ
     * with 0 at tiny σ, and the tiny-σ directions' indices, U columns and Vh rows (null when there are none).
     */
    private static final class SmallFactor extends Matrix {
        private final NDArray base;
        private final NDArray small;
        private final NDArray smallT;
        private final boolean left;
        private final NDArray inverseS;
        private final NDArray tinyIndex;
        private final NDArray tinyU;
        private final NDArray tinyVh;

        private SmallFactor(String key, Shape shape, NDArray s, NDArray base, NDArray small, boolean left,
                            NDArray inverseS, NDArray tinyIndex, NDArray tinyU, NDArray tinyVh) {
            super(key, shape, s);
            this.base = base;
            this.small = small;
            this.smallT = small.transpose(); // a strided view, made once
            this.left = left;
            this.inverseS = inverseS;
            this.tinyIndex = tinyIndex;
            this.tinyU = tinyU;
            this.tinyVh = tinyVh;
        }

        static SmallFactor of(String key, Shape weightShape, SpectralCache.Factors factors, NDArray weight) {
            long m = weightShape.get(0);
            long n = weightShape.size() / m;
            float[] sigma = factors.s().toFloatArray();
            float max = 0f;
            for (float v : sigma) {
                max = Math.max(max, v);
            }
            double tiny = max * TINY_SIGMA;
            float[] inverse = new float[sigma.length];
            List<Integer> tinyList = new ArrayList<>();
            for (int i = 0; i < sigma.length; i++) {
                if (sigma[i] > tiny) {
                    inverse[i] = 1f / sigma[i];
                } else {
                    tinyList.add(i);
                }
            }
            NDManager owner = factors.s().getManager();
            NDArray inverseS = owner.create(inverse);
            NDArray tinyIndex = null;
            NDArray tinyU = null;
            NDArray tinyVh = null;
            if (!tinyList.isEmpty()) {
                tinyIndex = owner.create(tinyList.stream().mapToLong(Integer::longValue).toArray());
                tinyU = factors.u().get(new NDIndex(":, {}", tinyIndex)).duplicate();
                tinyVh = factors.vh().get(new NDIndex("{}", tinyIndex)).duplicate();
            }
            boolean left = m <= n;
            NDArray small = left ? factors.u() : factors.vh().transpose().duplicate();
            factors.vh().close();
            if (!left) {
                factors.u().close();
            }
            NDArray base = weight.reshape(m, n);
            base.attach(owner); // reshape lands in the weight's manager: the shift owns its view
            if (base.getDataType() != factors.s().getDataType()) {
                // e.g. a float16 model baked for rendering: the shift computes in the factors' float32
                NDArray wide = base.toType(factors.s().getDataType(), true);
                base.close();
                base = wide;
                base.attach(owner);
            }
            return new SmallFactor(key, weightShape, factors.s(), base, small, left, inverseS, tinyIndex, tinyU,
                    tinyVh);
        }

        @Override
        NDArray recomposeChecked(NDArray delta, float scale) {
            try (NDArray relu = shiftedSingularValues(delta, scale);
                 NDArray change = relu.sub(s);
                 NDArray c = change.mul(inverseS);
                 NDArray columns = small.mul(c);
                 NDArray projector = columns.matMul(smallT);
                 NDArray correction = left ? projector.matMul(base) : base.matMul(projector);
                 NDArray flat = base.add(correction);
                 NDArray tiny = tinyIndex == null ? null : tinyTerm(change)) {
                if (tiny == null) {
                    return flat.reshape(weightShape());
                }
                try (NDArray all = flat.add(tiny)) {
                    return all.reshape(weightShape());
                }
            }
        }

        // U_z · diag(ReLU(σ_z + δ_z) − σ_z) · Vh_z for the directions that 1/σ leaves out
        private NDArray tinyTerm(NDArray change) {
            try (NDArray picked = change.get(new NDIndex("{}", tinyIndex));
                 NDArray columns = tinyU.mul(picked)) {
                return columns.matMul(tinyVh);
            }
        }

        /** The smaller factor, σ, 1/σ and any tiny-σ rows. */
        @Override
        public long residentValues() {
            long values = small.size() + s.size() + inverseS.size();
            if (tinyIndex != null) {
                values += tinyU.size() + tinyVh.size();
            }
            return values;
        }
    }

    /** A norm weight: {@code w · ReLU(‖w‖ + scale·δ) / ‖w‖} with ‖w‖ a frozen constant. */
    private static final class NormScale extends SpectralShift {
        private final NDArray weight;
        private final float norm;

        NormScale(String key, NDArray weight, float norm) {
            super(key, weight.getShape());
            this.weight = weight;
            this.norm = norm;
        }

        @Override
        public Kind kind() {
            return Kind.NORM;
        }

        @Override
        public long deltaLength() {
            return 1;
        }

        @Override
        public NDArray singularValues() {
            return null;
        }

        @Override
        NDArray recomposeChecked(NDArray delta, float scale) {
            try (NDArray s = torchScalar(delta, scale); NDArray scaled = delta.mul(s);
                 NDArray shifted = scaled.add(norm); NDArray relu = Activation.relu(shifted);
                 NDArray inv = torchScalar(relu, 1f / norm); NDArray factor = relu.mul(inv)) {
                return weight.mul(factor);
            }
        }

        @Override
        public long residentValues() {
            return 0;
        }
    }
}
