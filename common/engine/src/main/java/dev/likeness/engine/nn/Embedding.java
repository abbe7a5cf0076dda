package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/** A lookup table {@code weight [num, dim]} indexed by integer ids. */
public final class Embedding extends Module {

    private final long num;
    private final long dim;
    private final Parameter weight;

    public Embedding(long num, long dim) {
        if (num <= 0 || dim <= 0) {
            throw new IllegalArgumentException("invalid Embedding(num=" + num + ", dim=" + dim + ")");
        }
        this.num = num;
        this.dim = dim;
        this.weight = parameter("weight", new Shape(num, dim));
    }

    /**
     * @param ids integer ids {@code [...]}, each in {@code [0, num)}
     * @return {@code [..., dim]}, in {@code ids}' manager
     */
    public NDArray forward(NDArray ids) {
        DataType t = ids.getDataType();
        if (t != DataType.INT64 && t != DataType.INT32) {
            throw new IllegalArgumentException("Embedding expects int64/int32 ids but got " + t);
        }
        return ai.djl.nn.core.Embedding.embedding(ids, weight.value(), SparseFormat.DENSE).singletonOrThrow();
    }

    public long size() {
        return num;
    }

    public long dim() {
        return dim;
    }

    public Parameter weight() {
        return weight;
    }
}
