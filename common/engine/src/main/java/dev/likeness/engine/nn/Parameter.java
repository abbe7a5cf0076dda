package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.function.Supplier;

/**
 * One named weight of a {@link Module}, e.g. {@code weight} of {@code down_blocks.0.resnets.0.conv1}. The declared
 * shape is fixed when the module is built from its config; {@link #set} checks every array against it, so a
 * checkpoint with a mis-shaped tensor fails loudly.
 *
 * <p>Layers read the weight through {@link #value()}, never {@link #array()}: a fine-tuning method (SVDiff spectral
 * shifts, LoRA) installs an {@link #override(Supplier) override} that recomposes the effective weight from its own
 * trainable tensors, without the model code knowing.
 */
public final class Parameter {

    private final String name;
    private final Shape shape;
    private NDArray array;
    private boolean trainable = true;
    private Supplier<NDArray> override;

    public Parameter(String name, Shape shape) {
        this.name = name;
        this.shape = shape;
    }

    /** Local name inside its module (e.g. {@code weight}). */
    public String name() {
        return name;
    }

    public Shape shape() {
        return shape;
    }

    /** The stored tensor (base weights), or {@code null} before loading/initialisation. */
    public NDArray array() {
        return array;
    }

    /** The tensor the forward pass uses: the override's result if one is installed, else the stored array. */
    public NDArray value() {
        if (override != null) {
            return override.get();
        }
        if (array == null) {
            throw new IllegalStateException("parameter '" + name + "' has no value: weights were not loaded");
        }
        return array;
    }

    /**
     * Replaces the stored array (closing the previous one). The new array must have the declared shape.
     */
    public void set(NDArray newArray) {
        if (!newArray.getShape().equals(shape)) {
            throw new IllegalArgumentException("parameter '" + name + "' expects shape " + shape + " but got "
                    + newArray.getShape());
        }
        if (array != null && array != newArray) {
            array.close();
        }
        array = newArray;
        if (trainable) {
            array.setRequiresGradient(true);
        }
    }

    public boolean isTrainable() {
        return trainable;
    }

    /** Marks the parameter trainable or frozen; a frozen parameter's array collects no gradient. */
    public void setTrainable(boolean trainable) {
        this.trainable = trainable;
        if (array != null) {
            array.setRequiresGradient(trainable);
        }
    }

    /** Installs (or, with {@code null}, removes) a supplier of the effective weight used by {@link #value()}. */
    public void override(Supplier<NDArray> supplier) {
        this.override = supplier;
    }

    public boolean isOverridden() {
        return override != null;
    }
}
