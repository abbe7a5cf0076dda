package dev.likeness.training.artifact;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.Parameter;

import java.util.Objects;
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
 * {@link #close} removes the override, so the parameter serves its untouched base array again.
 */
public final class WeightOverride implements AutoCloseable {

    private final Parameter parameter;
    private final Supplier<NDArray> recompose;
    private NDArray last;
    private boolean closed;

    private WeightOverride(Parameter parameter, Supplier<NDArray> recompose, NDArray constant) {
        this.parameter = Objects.requireNonNull(parameter, "parameter");
        if (parameter.isOverridden()) {
            throw new IllegalStateException("parameter '" + parameter.name()
                    + "' already has an override: detach the other method or artifact first");
        }
        this.recompose = recompose;
        this.last = constant;
        parameter.override(recompose == null ? () -> last : this::next);
    }

    /** Installs an override that calls {@code recompose} at every use. */
    public static WeightOverride recomposing(Parameter parameter, Supplier<NDArray> recompose) {
        return new WeightOverride(parameter, Objects.requireNonNull(recompose, "recompose"), null);
    }

    /** Installs an override serving {@code value} (which this object then owns). */
    public static WeightOverride constant(Parameter parameter, NDArray value) {
        if (!value.getShape().equals(parameter.shape())) {
            throw new IllegalArgumentException("override of '" + parameter.name() + "' must have shape "
                    + parameter.shape() + ", got " + value.getShape());
        }
        return new WeightOverride(parameter, null, value);
    }

    /**
     * Installs an override serving {@code value} whose first dimension may exceed the declared one: an embedding
     * table grown by tokens added at run time (Textual Inversion). Other dimensions must match.
     */
    public static WeightOverride grownTable(Parameter parameter, NDArray value) {
        Shape declared = parameter.shape();
        Shape actual = value.getShape();
        if (declared.dimension() != 2 || actual.dimension() != 2 || actual.get(1) != declared.get(1)
                || actual.get(0) < declared.get(0)) {
            throw new IllegalArgumentException("grown table for '" + parameter.name() + "' must be [>= "
                    + (declared.dimension() == 2 ? declared.get(0) : "?") + ", " + declared.get(declared.dimension() - 1)
                    + "], got " + actual);
        }
        return new WeightOverride(parameter, null, value);
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
        closed = true;
        parameter.override(null);
        if (last != null) {
            last.close();
            last = null;
        }
    }
}
