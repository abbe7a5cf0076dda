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
 * <p>Moment buffers ({@link StatePrecision}), per trainable value:
 * <ul>
 *   <li>{@code FLOAT32}: 8 bytes (m and v), bit-for-bit torch's update;</li>
 *   <li>{@code FLOAT16}: 4 bytes, float16 scaled per tensor by its max-abs value, v kept as its square root (~1e-3
 *       relative rounding);</li>
 *   <li>{@code INT8_BLOCKWISE}: 2 bytes plus 8 per 2048-value block, the fourth-root 8-bit code of
 *       {@link BlockwiseInt8} (m signed, sqrt(v) non-negative), in the spirit of bitsandbytes' 8-bit Adam.</li>
 * </ul>
 * Quantized moments are decoded to float32 one tensor at a time, updated, and encoded again, so the float32 working
 * copies never exceed one parameter's size.
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
    private final MomentBuffer[] expAvg;
    private final MomentBuffer[] expAvgSq;
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
        expAvg = new MomentBuffer[n];
        expAvgSq = new MomentBuffer[n];
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
            expAvg[i] = MomentBuffer.zeros(precision, t.array().getShape(), false, manager);
            expAvgSq[i] = MomentBuffer.zeros(precision, t.array().getShape(), true, manager);
        }
    }

    /** Number of updates applied so far. */
    public int stepCount() {
        return stepCount;
    }

    /** How the moments are stored. */
    public StatePrecision precision() {
        return precision;
    }

    /** Bytes of optimizer state held now (both moments of every trainable, scales included). */
    public long stateBytes() {
        long total = 0;
        for (int i = 0; i < params.size(); i++) {
            total += expAvg[i].bytes() + expAvgSq[i].bytes();
        }
        return total;
    }

    /**
     * Bytes of AdamW state (both moments) for one tensor of {@code size} values at {@code precision}: 8·size
     * (float32), 4·size + 8 (float16: a scale per moment), 2·size + 8 per block of 2048 (8-bit blockwise).
     */
    public static long stateBytes(StatePrecision precision, long size) {
        return switch (precision) {
            case FLOAT32 -> 8 * size;
            case FLOAT16 -> 4 * size + 8;
            case INT8_BLOCKWISE -> 2 * BlockwiseInt8.bytes(size);
        };
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
        NDArray m = expAvg[i].read();
        NDArray v = expAvgSq[i].read();
        m.muli(beta1).addi(grad.mul(1f - beta1));
        v.muli(beta2).addi(grad.mul(1f - beta2).muli(grad));
        float stepSize = (float) (lr / bc1);
        NDArray denom = v.sqrt().divi(bc2Sqrt).addi(eps);
        p.subi(m.mul(stepSize).divi(denom));
        expAvg[i].write(m);
        expAvgSq[i].write(v);
    }

    /**
     * Copies {@code src} into {@code target} natively and in place. ({@code NDArray.set(Buffer)} would make the
     * tensor alias a Java buffer that may be freed with {@code src}.) Exact for finite values.
     */
    public static void copyInto(NDArray target, NDArray src) {
        target.muli(0).addi(src);
    }

    /**
     * Optimizer state for checkpoints: both moments of every trainable in the form {@link MomentBuffer} describes
     * ({@code exp_avg.<name>}/{@code exp_avg_sq.<name>} float32, or the 8-bit codes and block scales as stored) and
     * {@code step} ([1] int64). Arrays belong to {@code target}.
     */
    public Map<String, NDArray> state(NDManager target) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).name();
            try (NDScope ignored = new NDScope()) {
                expAvg[i].export("exp_avg", name, out, target);
                expAvgSq[i].export("exp_avg_sq", name, out, target);
                out.values().forEach(NDScope::unregister);
            }
        }
        out.put("step", target.create(new long[] {stepCount}));
        return out;
    }

    /**
     * Restores {@link #state}, written at any precision (8-bit codes are taken over byte for byte when this optimizer
     * is 8-bit too); every trainable must be present with its shape.
     */
    public void loadState(Map<String, NDArray> state) {
        NDArray step = state.get("step");
        if (step == null) {
            throw new IllegalArgumentException("optimizer state has no 'step' entry");
        }
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).name();
            try (NDScope ignored = new NDScope()) {
                expAvg[i].restore("exp_avg", name, state);
                expAvgSq[i].restore("exp_avg_sq", name, state);
            }
        }
        stepCount = (int) step.toLongArray()[0];
    }

    @Override
    public void close() {
        manager.close();
    }
}
