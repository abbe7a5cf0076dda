package dev.likeness.training.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.io.SafeTensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A resumable training state in a folder {@code checkpoint-<step>}: {@code trainable.safetensors} (the method's
 * state), {@code optimizer.safetensors} (AdamW moments and step count as
 * {@link dev.likeness.training.optim.AdamW#state} writes them: float32 moments, or the 8-bit codes and block scales
 * byte for byte) and {@code trainer_state.json} (step, seed, method, loss history). The random state is (seed, step)
 * by construction ({@link dev.likeness.training.loop.StepRandom}), so nothing else is needed to continue exactly.
 * Written to a temporary sibling and renamed, so a crash never leaves a half-written checkpoint under the final name.
 *
 * @param losses loss of every step up to {@code step}
 */
public record TrainingCheckpoint(Path dir, int step, long seed, String method, List<Float> losses) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
    static final String TRAINABLE = "trainable.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String STATE = "trainer_state.json";

    /** Writes {@code root/checkpoint-<step>} atomically and returns it (replacing an older one with that name). */
    public static Path write(Path root, int step, long seed, String method, Map<String, NDArray> trainable,
                             Map<String, NDArray> optimizer, List<Float> losses, String configSummary)
            throws IOException {
        Files.createDirectories(root);
        Path target = root.resolve("checkpoint-" + step);
        Path tmp = Files.createTempDirectory(root, ".checkpoint-" + step + "-");
        try {
            Map<String, String> meta = Map.of("likeness.checkpoint_step", Integer.toString(step));
            SafeTensorsWriter.write(tmp.resolve(TRAINABLE), trainable, meta);
            SafeTensorsWriter.write(tmp.resolve(OPTIMIZER), optimizer, meta);
            ObjectNode state = JSON.createObjectNode();
            state.put("step", step);
            state.put("seed", seed);
            state.put("method", method);
            state.put("rng", "stateless: streams keyed by (seed, step)");
            state.put("config", configSummary);
            ArrayNode l = state.putArray("losses");
            losses.forEach(l::add);
            Files.writeString(tmp.resolve(STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
            if (Files.exists(target)) {
                deleteTree(target);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    /** The checkpoint with the highest step under {@code root}, if any. */
    public static Optional<Path> latest(Path root) throws IOException {
        if (root == null || !Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(STATE)))
                    .max(Comparator.comparingInt(TrainingCheckpoint::stepOf));
        }
    }

    private static int stepOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Reads the JSON part of a checkpoint folder. */
    public static TrainingCheckpoint read(Path dir) throws IOException {
        Path stateFile = dir.resolve(STATE);
        if (!Files.isRegularFile(stateFile)) {
            throw new IOException(dir + " is not a training checkpoint (no " + STATE + ")");
        }
        JsonNode s = JSON.readTree(stateFile.toFile());
        List<Float> losses = new ArrayList<>();
        s.path("losses").forEach(n -> losses.add((float) n.asDouble()));
        return new TrainingCheckpoint(dir, s.path("step").asInt(), s.path("seed").asLong(), s.path("method").asText(),
                List.copyOf(losses));
    }

    public Map<String, NDArray> loadTrainable(NDManager manager) throws IOException {
        return loadAll(dir.resolve(TRAINABLE), manager);
    }

    public Map<String, NDArray> loadOptimizer(NDManager manager) throws IOException {
        return loadAll(dir.resolve(OPTIMIZER), manager);
    }

    private static Map<String, NDArray> loadAll(Path file, NDManager manager) throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            for (String n : f.names()) {
                out.put(n, f.load(n, manager));
            }
        }
        return out;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
