package dev.likeness.training.artifact;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The artifact options of {@code likeness render} as parsed values: {@code --svdiff FILE[:weight]} (repeatable),
 * {@code --embeddings FILE} (repeatable), {@code --lora FILE[:scale]} (at most one). {@code FILE} may be a file or
 * an artifact folder. Immutable; build with {@link #parse} or the {@code with*} methods.
 */
public record ArtifactOptions(List<Weighted> svdiff, List<Path> embeddings, Weighted lora) {

    /** A path with a weight (SVDiff combination weight or LoRA scale). */
    public record Weighted(Path path, float weight) {
    }

    private static final Pattern WEIGHTED = Pattern.compile("^(.+):([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)$");

    public ArtifactOptions {
        svdiff = List.copyOf(svdiff);
        embeddings = List.copyOf(embeddings);
    }

    public static ArtifactOptions none() {
        return new ArtifactOptions(List.of(), List.of(), null);
    }

    /**
     * Parses the option values as given on the command line.
     *
     * @param svdiff     values of {@code --svdiff}, each {@code FILE[:weight]} (weight 1 by default)
     * @param embeddings values of {@code --embeddings}
     * @param lora       value of {@code --lora} ({@code FILE[:scale]}, scale 1 by default), or {@code null}
     */
    public static ArtifactOptions parse(List<String> svdiff, List<String> embeddings, String lora) {
        List<Weighted> shifts = new ArrayList<>();
        for (String s : svdiff) {
            shifts.add(weighted("--svdiff", s));
        }
        List<Path> emb = new ArrayList<>();
        for (String e : embeddings) {
            if (e == null || e.isBlank()) {
                throw new IllegalArgumentException("--embeddings needs a file");
            }
            emb.add(Path.of(e));
        }
        return new ArtifactOptions(shifts, emb, lora == null ? null : weighted("--lora", lora));
    }

    /** {@code FILE[:number]}; a colon not followed by a number is part of the path. */
    static Weighted weighted(String option, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(option + " needs FILE[:weight]");
        }
        Matcher m = WEIGHTED.matcher(value);
        if (m.matches()) {
            float w = Float.parseFloat(m.group(2));
            if (!Float.isFinite(w)) {
                throw new IllegalArgumentException(option + " weight must be finite: " + value);
            }
            return new Weighted(Path.of(m.group(1)), w);
        }
        return new Weighted(Path.of(value), 1f);
    }

    public boolean isEmpty() {
        return svdiff.isEmpty() && embeddings.isEmpty() && lora == null;
    }
}
