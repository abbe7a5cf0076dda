package dev.likeness.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Map;

/**
 * An 8-bit blockwise moment ({@link BlockwiseInt8}): 1 byte per value plus a float32 scale per 2048 values. The first
 * moment uses the signed code; the second is stored as {@code sqrt(v)} in the non-negative code.
 */
final class Int8BlockMoment implements MomentBuffer {

    private final Shape shape;
    private final boolean second;
    private final BlockwiseInt8.Code code;
    private final NDManager manager;
    private NDArray codes;   // [size]
    private NDArray scales;  // [blocks]

    Int8BlockMoment(Shape shape, boolean second, NDManager manager) {
        this.shape = shape;
        this.second = second;
        this.code = code(second);
        this.manager = manager;
        this.codes = manager.zeros(new Shape(shape.size()), code.dataType());
        this.scales = manager.zeros(new Shape(BlockwiseInt8.blocks(shape.size())), DataType.FLOAT32);
    }

    static BlockwiseInt8.Code code(boolean second) {
        return second ? BlockwiseInt8.Code.NON_NEGATIVE : BlockwiseInt8.Code.SIGNED;
    }

    @Override
    public NDArray read() {
        NDArray x = BlockwiseInt8.decode(codes, scales, shape, code);
        return second ? x.square() : x;
    }

    @Override
    public void write(NDArray value) {
        BlockwiseInt8.Encoded e = BlockwiseInt8.encode(second ? value.sqrt() : value, code);
        // keep the new arrays instead of copying them over the old ones: two fewer passes per array
        NDScope.unregister(e.codes(), e.scales());
        e.codes().attach(manager);
        e.scales().attach(manager);
        codes.close();
        scales.close();
        codes = e.codes();
        scales = e.scales();
    }

    @Override
    public long bytes() {
        return codes.size() + scales.size() * 4;
    }

    @Override
    public void export(String kind, String name, Map<String, NDArray> out, NDManager target) {
        NDArray c = codes.reshape(shape).duplicate();
        NDArray s = scales.duplicate();
        c.attach(target);
        s.attach(target);
        out.put(kind + "_q8." + name, c);
        out.put(kind + "_absmax." + name, s);
    }

    @Override
    public void restore(String kind, String name, Map<String, NDArray> state) {
        NDArray c = state.get(kind + "_q8." + name);
        NDArray s = state.get(kind + "_absmax." + name);
        if (c != null && s != null && c.getDataType() == code.dataType() && s.size() == scales.size()) {
            // the same bytes as were saved: resuming continues exactly
            MomentBuffer.checkCodes(kind, name, shape, c);
            AdamW.copyInto(codes, c.reshape(codes.getShape()));
            AdamW.copyInto(scales, s.toType(DataType.FLOAT32, false).reshape(scales.getShape()));
        } else {
            write(MomentBuffer.readEntry(kind, name, shape, state));
        }
    }
}
