package dev.likeness.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.metrics.metric.Metric;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A job's evaluation report as {@code likeness fetch} downloads it ({@code report.json} and
 * {@code images/gen_p<prompt>_s<seed>_<n>.png}): the prompts, the metric means, and which image the evaluator
 * rendered for which prompt and seed.
 *
 * @param prompts     per prompt index: the prompt with the identifier and the class-only prompt
 * @param overall     metric means over the job
 * @param generated   per prompt index, per seed: the evaluator's image file
 */
public record ReportFolder(List<Prompt> prompts, Map<Metric, Double> overall, Map<Integer, Map<Long, Path>> generated) {

    /** One evaluation prompt: "a sks vase on snow, …" and its class version "a vase on snow, …". */
    public record Prompt(int index, String prompt, String classPrompt) {
    }

    private static final Pattern GENERATED = Pattern.compile("gen_p(\\d+)_s(-?\\d+)_\\d+\\.png");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code folder/report.json} and lists {@code folder/images/}. */
    public static ReportFolder read(Path folder) throws IOException {
        Path json = folder.resolve("report.json");
        if (!Files.isRegularFile(json)) {
            throw new IOException("no report.json in " + folder + " (download the job with likeness fetch first)");
        }
        JsonNode root = JSON.readTree(json.toFile());
        List<Prompt> prompts = new ArrayList<>();
        for (JsonNode p : root.path("perPrompt")) {
            prompts.add(new Prompt(p.path("index").asInt(), p.path("prompt").asText(), p.path("classPrompt").asText()));
        }
        if (prompts.isEmpty()) {
            throw new IOException(json + " lists no prompts (perPrompt is empty)");
        }
        Map<Metric, Double> overall = new EnumMap<>(Metric.class);
        for (Metric m : Metric.values()) {
            JsonNode mean = root.path("overall").path(m.label()).path("mean");
            if (mean.isNumber()) {
                overall.put(m, mean.asDouble());
            }
        }
        Map<Integer, Map<Long, Path>> generated = new TreeMap<>();
        Path images = folder.resolve("images");
        if (Files.isDirectory(images)) {
            try (Stream<Path> files = Files.list(images)) {
                for (Path f : files.sorted().toList()) {
                    Matcher m = GENERATED.matcher(f.getFileName().toString());
                    if (m.matches()) {
                        generated.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new TreeMap<>())
                                .putIfAbsent(Long.parseLong(m.group(2)), f);
                    }
                }
            }
        }
        if (generated.isEmpty()) {
            throw new IOException("no generated images (images/gen_p*_s*_*.png) in " + folder);
        }
        return new ReportFolder(List.copyOf(prompts), overall, generated);
    }

    /** The seeds the evaluator used, in order (those of the first prompt; the job uses the same for all). */
    public List<Long> seeds() {
        return List.copyOf(generated.values().iterator().next().keySet());
    }
}
