package dev.likeness.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.testing.Golden;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads golden tensors and compares model outputs against them. */
public final class GoldenTensors implements AutoCloseable {

    private final SafeTensorsFile file;
    private final NDManager manager;

    public GoldenTensors(String name, NDManager manager) {
        try {
            this.file = SafeTensorsFile.open(Golden.path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.manager = manager;
    }

    public NDArray get(String name) {
        return file.load(name, manager);
    }

    public SafeTensorsFile file() {
        return file;
    }

    /** Maximum absolute element difference; the shapes must be equal. */
    public static float maxAbsDiff(NDArray actual, NDArray expected) {
        assertThat(actual.getShape()).as("shape").isEqualTo(expected.getShape());
        try (NDArray d = actual.sub(expected); NDArray a = d.abs(); NDArray m = a.max()) {
            return m.getFloat();
        }
    }

    /** Asserts max |actual - expected| ≤ tol and returns the error. */
    public static float assertClose(String what, NDArray actual, NDArray expected, float tol) {
        float err = maxAbsDiff(actual, expected);
        assertThat(err).as(what + " max abs error").isLessThanOrEqualTo(tol);
        return err;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
