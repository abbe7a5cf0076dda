package dev.likeness.world.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes samples to a folder for inspection and for training jobs: {@code images/000000.png …} and
 * {@code captions.jsonl}, one JSON object per line with {@code file_name} and {@code text} (Hugging Face's
 * image-folder convention) plus {@code index}, {@code split} and the structured {@code attributes}; and
 * {@code world.json} with the settings that regenerate the folder.
 */
public final class DatasetExporter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DatasetExporter() {
    }

    /** Exports samples {@code [from, from + count)} of {@code dataset} into {@code folder}; returns the count. */
    public static int export(WorldDataset dataset, long from, int count, Path folder) throws IOException {
        if (count < 0 || from < 0) {
            throw new IllegalArgumentException("from and count must be >= 0 but are " + from + ", " + count);
        }
        Files.createDirectories(folder.resolve("images"));
        try (BufferedWriter out = Files.newBufferedWriter(folder.resolve("captions.jsonl"), StandardCharsets.UTF_8)) {
            for (long i = from; i < from + count; i++) {
                WorldSample s = dataset.sample(i);
                String file = String.format("images/%06d.png", i);
                s.image().writePng(folder.resolve(file));
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("file_name", file);
                line.put("text", s.caption());
                line.put("index", i);
                line.put("split", s.split().id());
                line.put("attributes", s.attributes().toMap());
                out.write(JSON.writeValueAsString(line));
                out.write('\n');
            }
        }
        WorldConfig c = dataset.config();
        Map<String, Object> world = new LinkedHashMap<>();
        world.put("seed", c.seed());
        world.put("image_size", c.imageSize());
        world.put("supersample", c.supersample());
        world.put("held_out_fraction", c.heldOutFraction());
        world.put("second_object_probability", c.secondObjectProbability());
        world.put("split", dataset.split().id());
        world.put("from", from);
        world.put("count", count);
        JSON.writerWithDefaultPrettyPrinter().writeValue(folder.resolve("world.json").toFile(), world);
        return count;
    }
}
