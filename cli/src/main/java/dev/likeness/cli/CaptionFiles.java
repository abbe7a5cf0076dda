package dev.likeness.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code --captions FILE} of {@code likeness train} and {@code likeness submit}: one prompt per line. */
final class CaptionFiles {

    private CaptionFiles() {
    }

    /** The file's non-blank lines, stripped, in order (one per instance image, in the images' file-name order). */
    static List<String> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--captions " + file + " is not a file");
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(l -> !l.isEmpty()).toList();
    }
}
