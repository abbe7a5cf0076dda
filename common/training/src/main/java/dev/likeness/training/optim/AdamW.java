package dev.likeness.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.likeness.training.TrainableTensor;
import dev.likeness.training.TrainingConfig.StatePrecision;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW with torch semantics ({@code torch.optim.AdamW}, single-tensor path): decoupled weight decay
 * {@code p -= lr·wd·p} before the Adam update, bias-corrected moments, {@code p -= lr/bc1 · m / (sqrt(v)/sqrt(bc2) + eps)}.
 * Parameters are updated in place; each has its group's learning rate and weight decay.
 *
 * <p>Moment buffers are float32, or with {@link StatePrecision#FLOAT16} stored as float16 scaled per tensor by their
 * max-abs value (the second moment as its square root, which keeps its range within float16): half the optimizer
 * memory, at the cost of ~1e-3 relative rounding of the moments.
 */
public final class AdamW implements AutoCloseable {

    /** Learning rate and weight decay of one parameter group. */
    public record Group(float learningRate, float weightDecay) {
    }

    private final List<TrainableTensor> params;
    private final List<Group> groups;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final StatePrecision precision;
    private final NDManager manager;
    private final NDArray[] expAvg;
    private final NDArray[] expAvgSq;
    private final float[] expAvgScale;
    private final float[] expAvgSqScale;
    private int stepCount;

    /**
     * @param groupSettings per group name; every trainable's group must be present
     */
    public AdamW(List<TrainableTensor> params, Map<String, Group> groupSettings, float beta1, float beta2, float eps,
                 StatePrecision precision, NDManager parent) {
        this.params = List.copyOf(params);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.precision = precision;
        this.manager = parent.newSubManager();
        this.groups = new ArrayList<>();
        int n = this.params.size();
        expAvg = new NDArray[n];
        expAvgSq = new NDArray[n];
        expAvgScale = new float[n];
        expAvgSqScale = new float[n];
        DataType stateType = precision == StatePrecision.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT32;
        for (int i = 0; i < n; i++) {
            TrainableTensor t = this.params.get(i);
            Group g = groupSettings.get(t.group());
            if (g == null) {
                throw new IllegalArgumentException("no learning rate for parameter group '" + t.group() + "' of "
                        + t.name() + "; groups: " + groupSettings.keySet());
            }
            if (t.array().getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("trainable " + t.name() + " must be float32, is "
                        + t.array().getDataType());
            }
            groups.add(g);
            expAvg[i] = manager.zeros(t.array().getShape(), stateType);
            expAvgSq[i] = manager.zeros(t.array().getShape(), stateType);
            expAvgScale[i] = 1f;
            expAvgSqScale[i] = 1f;
        }
    }

    /** Number of updates applied so far. */
    public int stepCount() {
        return stepCount;
    }

    /** Effective learning rate of group member {@code i} at schedule multiplier {@code factor}. */
    public float learningRate(int i, double factor) {
        return (float) (groups.get(i).learningRate() * factor);
    }

    /**
     * One update of every parameter.
     *
     * @param gradients same order as the trainables given at construction (float32, not modified)
     * @param lrFactor  learning-rate schedule multiplier for this update
     */
    public void step(List<NDArray> gradients, double lrFactor) {
        if (gradients.size() != params.size()) {
            throw new IllegalArgumentException("expected " + params.size() + " gradients, got " + gradients.size());
        }
        stepCount++;
        double bc1 = 1.0 - Math.pow(beta1, stepCount);
        double bc2 = 1.0 - Math.pow(beta2, stepCount);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        for (int i = 0; i < params.size(); i++) {
            // a scope per tensor: results of ops whose first operand is long-lived would otherwise stay alive
            try (NDScope ignored = new NDScope()) {
                update(i, gradients.get(i), lrFactor, bc1, bc2Sqrt);
            }
        }
    }

    private void update(int i, NDArray grad, double lrFactor, double bc1, float bc2Sqrt) {
        NDArray p = params.get(i).array();
        double lr = groups.get(i).learningRate() * lrFactor;
        double wd = groups.get(i).weightDecay();
        if (wd != 0) {
            p.muli((float) (1.0 - lr * wd));
        }
        NDArray m = moment(expAvg[i], expAvgScale[i]);
        NDArray v = precision == StatePrecision.FLOAT16
                ? expAvgSq[i].toType(DataType.FLOAT32, false).muli(expAvgSqScale[i]).square()
                : expAvgSq[i];
        m.muli(beta1).addi(grad.mul(1f - beta1));
        v.muli(beta2).addi(grad.mul(1f - beta2).muli(grad));
        float stepSize = (float) (lr / bc1);
        NDArray denom = v.sqrt().divi(bc2Sqrt).addi(eps);
        p.subi(m.mul(stepSize).divi(denom));
        if (precision == StatePrecision.FLOAT16) {
            expAvgScale[i] = store(expAvg[i], m);
            expAvgSqScale[i] = store(expAvgSq[i], v.sqrt());
        }
    }

    private NDArray moment(NDArray stored, float scale) {
        return precision == StatePrecision.FLOAT16 ? stored.toType(DataType.FLOAT32, false).muli(scale) : stored;
    }

    // writes value / maxabs into the float16 buffer; returns the scale
    private static float store(NDArray target, NDArray value) {
        float max = value.abs().max().getFloat();
        float scale = max > 0 && Float.isFinite(max) ? max : 1f;
        NDArray half = value.div(scale).toType(DataType.FLOAT16, false);
        copyInto(target, half);
        return scale;
    }

    /**
     * Copies {@code src} into {@code target} natively and in place. ({@code NDArray.set(Buffer)} would make the
     * tensor alias a Java buffer that may be freed with {@code src}.) Exact for finite values.
     */
    public static void copyInto(NDArray target, NDArray src) {
        target.muli(0).addi(src);
    }

    /**
     * Optimizer state for checkpoints: {@code exp_avg.<name>}, {@code exp_avg_sq.<name>} (float32, unscaled) and
     * {@code step} ([1] int64). Arrays belong to {@code target}.
     */
    public Map<String, NDArray> state(NDManager target) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).name();
            if (precision == StatePrecision.FLOAT16) {
                out.put("exp_avg." + name, expAvg[i].toType(DataType.FLOAT32, false).muli(expAvgScale[i]));
                out.put("exp_avg_sq." + name, expAvgSq[i].toType(DataType.FLOAT32, false).muli(expAvgSqScale[i])
                        .square());
            } else {
                out.put("exp_avg." + name, expAvg[i].duplicate());
                out.put("exp_avg_sq." + name, expAvgSq[i].duplicate());
            }
            out.get("exp_avg." + name).attach(target);
            out.get("exp_avg_sq." + name).attach(target);
        }
        out.put("step", target.create(new long[] {stepCount}));
        return out;
    }

    /** Restores {@link #state}; every trainable must be present with its shape. */
    public void loadState(Map<String, NDArray> state) {
        NDArray step = state.get("step");
        if (step == null) {
            throw new IllegalArgumentException("optimizer state has no 'step' entry");
        }
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).name();
            NDArray m = state.get("exp_avg." + name);
            NDArray v = state.get("exp_avg_sq." + name);
            if (m == null || v == null) {
                throw new IllegalArgumentException("optimizer state lacks the moments of " + name);
            }
            if (!m.getShape().equals(expAvg[i].getShape()) || !v.getShape().equals(expAvgSq[i].getShape())) {
                throw new IllegalArgumentException("optimizer state of " + name + " has shape " + m.getShape()
                        + ", parameter has " + expAvg[i].getShape());
            }
            try (NDScope ignored = new NDScope()) {
                if (precision == StatePrecision.FLOAT16) {
                    expAvgScale[i] = store(expAvg[i], m.toType(DataType.FLOAT32, false));
                    expAvgSqScale[i] = store(expAvgSq[i], v.toType(DataType.FLOAT32, false).sqrt());
                } else {
                    copyInto(expAvg[i], m.toType(DataType.FLOAT32, false));
                    copyInto(expAvgSq[i], v.toType(DataType.FLOAT32, false));
                }
            }
        }
        stepCount = (int) step.toLongArray()[0];
    }

    @Override
    public void close() {
        manager.close();
    }
}
