package dev.likeness.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Map;

/** A float32 moment (4 bytes per value), updated in place: what torch's AdamW keeps. */
final class Float32Moment implements MomentBuffer {

    private final NDArray buffer;

    Float32Moment(Shape shape, NDManager manager) {
        buffer = manager.zeros(shape, DataType.FLOAT32);
    }

    @Override
    public NDArray read() {
        return buffer;
    }

    @Override
    public void write(NDArray value) {
        if (value != buffer) {
            AdamW.copyInto(buffer, value);
        }
    }

    @Override
    public long bytes() {
        return buffer.size() * 4;
    }

    @Override
    public void export(String kind, String name, Map<String, NDArray> out, NDManager target) {
        NDArray copy = buffer.duplicate();
        copy.attach(target);
        out.put(kind + "." + name, copy);
    }

    @Override
    public void restore(String kind, String name, Map<String, NDArray> state) {
        write(MomentBuffer.readEntry(kind, name, buffer.getShape(), state));
    }
}
