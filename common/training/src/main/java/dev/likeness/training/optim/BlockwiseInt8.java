package dev.likeness.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * 8-bit blockwise code for optimizer moments: a tensor is flattened and cut into blocks of {@link #BLOCK_SIZE}
 * consecutive values (a tensor smaller than that is one block); each block keeps its max-abs value as a float32 scale
 * and every value becomes one byte.
 *
 * <p>The code is non-linear: a value {@code x} in a block with scale {@code a} is stored as
 * {@code round(L · sign(x) · (|x|/a)^(1/4))} and read back as {@code a · sign(c) · (|c|/L)^4}, with {@code L = 127}
 * (signed, int8, for the first moment) or {@code L = 255} (non-negative, uint8, for the square root of the second
 * moment). Why not linear absmax: a linear code flushes everything below {@code a/(2L)} to zero, and AdamW divides by
 * {@code sqrt(v)} — a flushed second moment turns a small first moment into a huge step. bitsandbytes avoids that
 * with its "dynamic" float-like code and a table lookup; the fourth-root code gets the same property with plain
 * element-wise ops (no lookup): values down to {@code a·(1/(2L))^4} (1.5e-11·a for uint8, 2.4e-10·a for int8)
 * survive, and the relative rounding error is about {@code 4·(1/(2L))/y} for a value whose code fraction is
 * {@code y = (|x|/a)^(1/4)} (uint8: 0.8 % at the top of a block, 4.4 % a thousand times below it; int8 twice that).
 * Storing {@code sqrt(v)} rather than {@code v} halves the exponent range the code has to span, so {@code v} down to
 * {@code 2e-22·max v} is still non-zero; with the gradient clipped to norm 1 and eps = 1e-8 a flushed value cannot
 * produce a step larger than AdamW's usual bound. Measured over 20 AdamW steps against float32 moments
 * ({@code AdamWInt8StateTest}), the fourth root for both moments drifted 1.5e-2 of the update with gradients of one
 * size and 3.5e-2 with gradients spanning three decades inside a block; a square-root code for m did slightly better
 * on the first (1.2e-2) and much worse on the second (8.2e-2), a linear code for m worse on both (1.7e-2).
 *
 * <p>Every method here creates its results in the current scope: call it inside an
 * {@link ai.djl.ndarray.NDScope} or close what it returns.
 */
public final class BlockwiseInt8 {

    /** Values per block (bitsandbytes' 8-bit Adam uses 2048 as well). */
    public static final int BLOCK_SIZE = 2048;

    /** The two codes: signed int8 (first moment) and non-negative uint8 (square root of the second moment). */
    public enum Code {
        SIGNED(127, DataType.INT8), NON_NEGATIVE(255, DataType.UINT8);

        final int levels;
        final DataType type;

        Code(int levels, DataType type) {
            this.levels = levels;
            this.type = type;
        }

        /** Largest code magnitude: 127 or 255. */
        public int levels() {
            return levels;
        }

        public DataType dataType() {
            return type;
        }
    }

    /**
     * Codes and scales of one tensor.
     *
     * @param codes  {@code [size]} int8 or uint8, flattened row-major
     * @param scales {@code [blocks]} float32 max-abs value per block (0 for an all-zero block)
     */
    public record Encoded(NDArray codes, NDArray scales) {
    }

    private BlockwiseInt8() {
    }

    /** Length of each block for a tensor of {@code size} values. */
    public static int blockLength(long size) {
        return (int) Math.max(1, Math.min(BLOCK_SIZE, size));
    }

    /** Number of blocks (= scales) for a tensor of {@code size} values. */
    public static int blocks(long size) {
        int len = blockLength(size);
        return (int) ((size + len - 1) / len);
    }

    /** Bytes one tensor of {@code size} values takes in this code: one per value plus a float32 per block. */
    public static long bytes(long size) {
        return size + 4L * blocks(size);
    }

    /**
     * Encodes a float32 tensor.
     *
     * @param x any shape, float32, finite; for {@link Code#NON_NEGATIVE} every value must be {@code >= 0}
     */
    public static Encoded encode(NDArray x, Code code) {
        if (x.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("blockwise int8 encodes float32 tensors, got " + x.getDataType());
        }
        long size = x.size();
        NDArray blocked = padded(x.reshape(size), size);
        NDArray magnitude = blocked.abs();
        NDArray scales = magnitude.max(new int[] {1}, true); // [blocks, 1]
        // an all-zero block divides by a tiny number instead of 0: its codes stay 0
        NDArray q = magnitude.divi(scales.maximum(Float.MIN_NORMAL)).sqrt().sqrt().muli(code.levels).round();
        if (code == Code.SIGNED) {
            q = q.muli(blocked.sign());
        }
        NDArray codes = q.reshape(-1).toType(code.type, false);
        if (codes.size() != size) {
            codes = codes.get(new NDIndex(":" + size));
        }
        return new Encoded(codes, scales.reshape(scales.size()));
    }

    /**
     * Decodes {@link #encode}'s output.
     *
     * @param codes  {@code size} codes in any shape (flat as encoded, or the parameter's shape as checkpointed)
     * @return float32 tensor of {@code shape}
     */
    public static NDArray decode(NDArray codes, NDArray scales, Shape shape, Code code) {
        long size = shape.size();
        if (codes.size() != size || codes.getDataType() != code.type) {
            throw new IllegalArgumentException("expected " + size + " " + code.type + " codes for shape " + shape
                    + ", got " + codes.size() + " " + codes.getDataType());
        }
        if (scales.size() != blocks(size)) {
            throw new IllegalArgumentException("expected " + blocks(size) + " block scales for " + size
                    + " values (block size " + BLOCK_SIZE + "), got " + scales.size());
        }
        // computed, not looked up: a 256-entry table gather (torch.take) measured up to 1.9x slower than these passes
        NDArray c = codes.toType(DataType.FLOAT32, false).reshape(size).divi(code.levels);
        NDArray y = c.square().square(); // |c|^4
        if (code == Code.SIGNED) {
            y = y.muli(c.sign());
        }
        NDArray x = padded(y, size).muli(scales.reshape(scales.size(), 1)).reshape(-1);
        if (x.size() != size) {
            x = x.get(new NDIndex(":" + size));
        }
        return x.reshape(shape);
    }

    // [size] -> [blocks, blockLength], zero-padding the last block
    private static NDArray padded(NDArray flat, long size) {
        int len = blockLength(size);
        int blocks = blocks(size);
        long pad = (long) blocks * len - size;
        if (pad > 0) {
            NDManager m = flat.getManager();
            flat = flat.concat(m.zeros(new Shape(pad), flat.getDataType()));
        }
        return flat.reshape(blocks, len);
    }
}
