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

    /**
     * {@link #read(Path)}, checked to hold one caption per image: a count that differs is a usage error before any
     * model is loaded or image uploaded (the training loop and the job's rules would refuse it too, but later).
     */
    static List<String> read(Path file, int images) throws IOException {
        List<String> lines = read(file);
        if (lines.size() != images) {
            throw new IllegalArgumentException("--captions " + file + " has " + lines.size() + " captions but --images"
                    + " has " + images + " images: one caption per image, in file-name order");
        }
        return lines;
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
