package dev.likeness.renderer;

import dev.likeness.training.linalg.FolderSpectralStore;
import dev.likeness.training.linalg.SpectralCache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The SVD factors SVDiff artifacts are baked with, cached on this instance's disk (one decomposition per model). */
final class SpectralCaches {

    private SpectralCaches() {
    }

    static SpectralCache local(Path cacheDir) throws IOException {
        return new SpectralCache(new FolderSpectralStore(Files.createDirectories(cacheDir.resolve("svd"))), 1);
    }
}
