package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Owns the intermediate arrays of one forward call and closes them when the call returns, so a forward pass keeps
 * only its result alive. Closing an intermediate is safe under autograd: the graph holds its own references to the
 * tensors it needs for the backward pass.
 *
 * <p>Register every intermediate with {@link #add}; never register the input, a parameter or the value returned.
 */
public final class Temporaries implements AutoCloseable {

    private final List<NDArray> arrays = new ArrayList<>();

    /** Registers {@code array} for closing and returns it. */
    public NDArray add(NDArray array) {
        arrays.add(array);
        return array;
    }

    /**
     * Takes {@code array} back out of this owner (if registered) so it survives {@link #close()}, e.g. the last of
     * several intermediates that becomes the result.
     */
    public NDArray keep(NDArray array) {
        arrays.removeIf(a -> a == array);
        return array;
    }

    @Override
    public void close() {
        for (NDArray a : arrays) {
            a.close();
        }
        arrays.clear();
    }
}
