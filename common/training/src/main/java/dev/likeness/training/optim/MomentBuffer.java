package dev.likeness.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.training.TrainingConfig.StatePrecision;

import java.util.Map;

/**
 * Where AdamW keeps one moment tensor of one parameter, in one of the {@link StatePrecision}s. Reads and writes are
 * in float32 and in the moment's own units (m, or v for the second moment, whatever is stored inside).
 *
 * <p>Checkpoint entries, {@code kind} being {@code exp_avg} or {@code exp_avg_sq}: float32 and float16 buffers write
 * {@code <kind>.<name>} (float32, the plain moment, torch's layout); 8-bit buffers write their codes and scales as
 * they are, {@code <kind>_q8.<name>} (int8 / uint8, parameter shape) and {@code <kind>_absmax.<name>} (float32
 * {@code [blocks]}), so a resumed run continues from the very same bytes. Any buffer restores from either form.
 */
interface MomentBuffer {

    /**
     * The moment as float32 in the parameter's shape, in the current scope. May be the buffer itself (float32): a
     * caller that changes it in place must still {@link #write} it.
     */
    NDArray read();

    /** Stores {@code value} (float32, parameter shape; may be what {@link #read} returned). */
    void write(NDArray value);

    /** Bytes held for this moment. */
    long bytes();

    /** Adds this moment's checkpoint entries to {@code out}, owned by {@code target}. */
    void export(String kind, String name, Map<String, NDArray> out, NDManager target);

    /** Restores from checkpoint entries written by any precision. */
    void restore(String kind, String name, Map<String, NDArray> state);

    /** A zero moment for a parameter of {@code shape}; {@code second} marks AdamW's v (non-negative). */
    static MomentBuffer zeros(StatePrecision precision, Shape shape, boolean second, NDManager manager) {
        return switch (precision) {
            case FLOAT32 -> new Float32Moment(shape, manager);
            case FLOAT16 -> new Float16Moment(shape, second, manager);
            case INT8_BLOCKWISE -> new Int8BlockMoment(shape, second, manager);
        };
    }

    /**
     * The moment stored under {@code kind}/{@code name} in {@code state} as float32 (current scope), whichever form it
     * was written in.
     */
    static NDArray readEntry(String kind, String name, Shape shape, Map<String, NDArray> state) {
        NDArray plain = state.get(kind + "." + name);
        NDArray codes = state.get(kind + "_q8." + name);
        NDArray scales = state.get(kind + "_absmax." + name);
        if (plain != null) {
            if (!plain.getShape().equals(shape)) {
                throw new IllegalArgumentException("optimizer state " + kind + " of " + name + " has shape "
                        + plain.getShape() + ", parameter has " + shape);
            }
            return plain.toType(ai.djl.ndarray.types.DataType.FLOAT32, true);
        }
        if (codes != null && scales != null) {
            checkCodes(kind, name, shape, codes);
            boolean second = kind.equals("exp_avg_sq");
            NDArray root = BlockwiseInt8.decode(codes, scales, shape, Int8BlockMoment.code(second));
            return second ? root.square() : root;
        }
        throw new IllegalArgumentException("optimizer state lacks " + kind + " of " + name);
    }

    static void checkCodes(String kind, String name, Shape shape, NDArray codes) {
        if (codes.getShape().size() != shape.size()) {
            throw new IllegalArgumentException("optimizer state " + kind + "_q8 of " + name + " has shape "
                    + codes.getShape() + ", parameter has " + shape);
        }
    }
}
