package dev.likeness.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Map;

/**
 * A float16 moment (2 bytes per value) scaled per tensor by its max-abs value; the second moment is kept as its square
 * root, which keeps it inside float16's range. Rounding: ~1e-3 relative.
 */
final class Float16Moment implements MomentBuffer {

    private final NDArray buffer;
    private final boolean second;
    private float scale = 1f;

    Float16Moment(Shape shape, boolean second, NDManager manager) {
        this.buffer = manager.zeros(shape, DataType.FLOAT16);
        this.second = second;
    }

    @Override
    public NDArray read() {
        NDArray x = buffer.toType(DataType.FLOAT32, false).muli(scale);
        return second ? x.square() : x;
    }

    @Override
    public void write(NDArray value) {
        NDArray stored = second ? value.sqrt() : value;
        float max = stored.abs().max().getFloat();
        float s = max > 0 && Float.isFinite(max) ? max : 1f;
        AdamW.copyInto(buffer, stored.div(s).toType(DataType.FLOAT16, false));
        scale = s;
    }

    @Override
    public long bytes() {
        return buffer.size() * 2 + 4;
    }

    @Override
    public void export(String kind, String name, Map<String, NDArray> out, NDManager target) {
        NDArray plain = read();
        plain.attach(target);
        out.put(kind + "." + name, plain);
    }

    @Override
    public void restore(String kind, String name, Map<String, NDArray> state) {
        write(MomentBuffer.readEntry(kind, name, buffer.getShape(), state));
    }
}
