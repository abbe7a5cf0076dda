package dev.likeness.training.linalg;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where cached SVD factors live between runs. Locally a folder ({@link FolderSpectralStore}); the services plug in an
 * object-store backed implementation that downloads to a local file on {@link #fetch} and uploads on {@link #put}.
 */
public interface SpectralStore {

    /** A local, readable file holding the object {@code key}, or empty if the store has none. */
    Optional<Path> fetch(String key) throws IOException;

    /** Stores {@code file} under {@code key}, replacing any previous object. The caller may delete the file afterwards. */
    void put(String key, Path file) throws IOException;
}
