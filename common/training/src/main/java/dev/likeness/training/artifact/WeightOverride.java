package dev.likeness.training.artifact;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.Parameter;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * An {@link Parameter#override override} installed on one model weight, with ownership of what it produces.
 * <ul>
 *   <li>{@link #recomposing}: recomputes the weight from trainable tensors at every {@link Parameter#value()} call
 *       (training: the graph must reach the trainables each step). The previous result is closed when the next one is
 *       made, so recompositions never pile up in the long-lived manager of the frozen factors; closing is safe under
 *       autograd because the graph keeps its own reference.</li>
 *   <li>{@link #constant}: serves one precomputed array (rendering with baked adapters), closed on {@link #close}.</li>
 * </ul>
 * Overrides stack: a constant override may be installed on a weight that already has one from this class (e.g. a
 * LoRA on top of baked SVDiff shifts, computed from {@code parameter.value()}); they must be closed in reverse order.
 * Closing the last one leaves the parameter serving its untouched base array again.
 */
public final class WeightOverride implements AutoCloseable {

    /** The top of each parameter's override stack. */
    private static final Map<Parameter, WeightOverride> TOP = Collections.synchronizedMap(new WeakHashMap<>());

    private final Parameter parameter;
    private final Supplier<NDArray> recompose;
    private final Supplier<NDArray> supplier;
    private final WeightOverride below;
    private NDArray last;
    private boolean closed;

    private WeightOverride(Parameter parameter, Supplier<NDArray> recompose, NDArray constant, boolean stack) {
        this.parameter = Objects.requireNonNull(parameter, "parameter");
        WeightOverride current = TOP.get(parameter);
        if (parameter.isOverridden() && (current == null || !stack)) {
            throw new IllegalStateException("parameter '" + parameter.name()
                    + "' already has an override: detach the other method or artifact first");
        }
        this.below = parameter.isOverridden() ? current : null;
        this.recompose = recompose;
        this.last = constant;
        this.supplier = recompose == null ? () -> last : this::next;
        parameter.override(supplier);
        TOP.put(parameter, this);
    }

    /** Installs an override that calls {@code recompose} at every use (the parameter must have no override). */
    public static WeightOverride recomposing(Parameter parameter, Supplier<NDArray> recompose) {
        return new WeightOverride(parameter, Objects.requireNonNull(recompose, "recompose"), null, false);
    }

    /** Installs (or stacks) an override serving {@code value}, which this object then owns. */
    public static WeightOverride constant(Parameter parameter, NDArray value) {
        if (!value.getShape().equals(parameter.shape())) {
            throw new IllegalArgumentException("override of '" + parameter.name() + "' must have shape "
                    + parameter.shape() + ", got " + value.getShape());
        }
        return new WeightOverride(parameter, null, value, true);
    }

    /**
     * Installs (or stacks) an override serving {@code value} whose first dimension may exceed the declared one: an
     * embedding table grown by tokens added at run time (Textual Inversion). Other dimensions must match.
     */
    public static WeightOverride grownTable(Parameter parameter, NDArray value) {
        Shape declared = parameter.shape();
        Shape actual = value.getShape();
        if (declared.dimension() != 2 || actual.dimension() != 2 || actual.get(1) != declared.get(1)
                || actual.get(0) < declared.get(0)) {
            throw new IllegalArgumentException("grown table for '" + parameter.name() + "' must be [>= "
                    + declared.get(0) + ", " + declared.get(declared.dimension() - 1) + "], got " + actual);
        }
        return new WeightOverride(parameter, null, value, true);
    }

    private NDArray next() {
        if (closed) {
            throw new IllegalStateException("override of '" + parameter.name() + "' was used after close");
        }
        NDArray value = recompose.get();
        if (last != null && last != value) {
            last.close();
        }
        last = value;
        return value;
    }

    public Parameter parameter() {
        return parameter;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (TOP.get(parameter) != this) {
            throw new IllegalStateException("overrides of '" + parameter.name()
                    + "' must be closed in reverse order of installation");
        }
        closed = true;
        if (below == null) {
            parameter.override(null);
            TOP.remove(parameter);
        } else {
            parameter.override(below.supplier);
            TOP.put(parameter, below);
        }
        if (last != null) {
            last.close();
            last = null;
        }
    }
}
