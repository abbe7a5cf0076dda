package dev.likeness.training.linalg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/** A {@link SpectralStore} that keeps each object as a file {@code <folder>/<key>}. */
public final class FolderSpectralStore implements SpectralStore {

    private static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z0-9._-]+");

    private final Path folder;

    public FolderSpectralStore(Path folder) {
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    @Override
    public Optional<Path> fetch(String key) {
        Path file = folder.resolve(checked(key));
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    @Override
    public void put(String key, Path file) throws IOException {
        Path target = folder.resolve(checked(key));
        if (file.toAbsolutePath().equals(target.toAbsolutePath())) {
            return;
        }
        Files.createDirectories(folder);
        Path tmp = Files.createTempFile(folder, key, ".part");
        try {
            Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String checked(String key) {
        if (!SAFE_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("spectral cache key '" + key
                    + "' must consist of letters, digits, '.', '_' and '-'");
        }
        return key;
    }
}
