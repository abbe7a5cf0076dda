package dev.likeness.worldmodels.dino;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.engine.random.RandomInit;
import dev.likeness.metrics.encoder.DinoVit;
import dev.likeness.metrics.preprocess.ImageProcessor;
import dev.likeness.training.LearningRateScheduleKind;
import dev.likeness.training.TrainableTensor;
import dev.likeness.training.TrainingConfig.StatePrecision;
import dev.likeness.training.optim.AdamW;
import dev.likeness.training.optim.GradientClipping;
import dev.likeness.training.optim.LearningRateSchedule;
import dev.likeness.world.dataset.Seeds;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Trains the world DINO-style encoder: a {@link DinoVit} (the evaluator's own class, so the trained tree is exactly
 * what it loads) from random init, with {@link SupConLoss} on the CLS embedding after the final LayerNorm over two
 * views of {@link DinoRecipe#identitiesPerBatch()} distinct identities per step, AdamW with linear warm-up and cosine
 * decay, global-norm clipping. Checkpoints hold weights, optimizer moments and the step; the view pool is a function
 * of (seed, step), so a resumed run continues exactly.
 */
public final class DinoTrainer implements AutoCloseable {

    /**
     * What one step did: total loss, its contrastive and prototype parts (0 when off), in-batch retrieval accuracy
     * and prototype classification accuracy.
     */
    public record StepStats(int step, float loss, float contrastive, float prototype, float accuracy,
                            float prototypeAccuracy, float learningRate, float gradNorm) {
    }

    private record Batch(NDArray pixels, int[] identity) {
    }

    private static final long BATCH_STREAM = 0xBA7C4L;
    private static final String MODEL_PREFIX = "model.";
    private static final String OPTIM_PREFIX = "optim.";
    private static final String DECAY = "decay";
    private static final String NO_DECAY = "no_decay";
    private static final String PROTOTYPES = "prototypes";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DinoRecipe recipe;
    private final ViewPool pool;
    private final NDManager manager;
    private final DinoVit model;
    private final List<TrainableTensor> trainables;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private final ImageProcessor processor;
    private final NDArray prototypes; // [identities, hidden], or null without the prototype loss
    private int step;

    private DinoTrainer(DinoRecipe recipe, ViewPool pool, NDManager parent) {
        if (pool.imageSize() != recipe.imageSize()) {
            throw new IllegalArgumentException("view pool renders " + pool.imageSize() + " px, recipe wants "
                    + recipe.imageSize());
        }
        if (pool.identities().size() < recipe.identitiesPerBatch()) {
            throw new IllegalArgumentException("batch wants " + recipe.identitiesPerBatch()
                    + " distinct identities, pool has " + pool.identities().size());
        }
        this.recipe = recipe;
        this.pool = pool;
        this.manager = parent.newSubManager();
        this.model = new DinoVit(recipe.vitConfig());
        RandomInit.initialize(model, recipe.seed(), manager);
        this.trainables = new ArrayList<>();
        model.namedParameters().forEach((name, p) -> trainables.add(new TrainableTensor(name, p.array(),
                decays(name, p) ? DECAY : NO_DECAY)));
        if (recipe.prototypeWeight() > 0) {
            this.prototypes = initialPrototypes(pool.identities().size(), recipe.hidden(), recipe.seed(), manager);
            trainables.add(new TrainableTensor(PROTOTYPES, prototypes, NO_DECAY));
        } else {
            this.prototypes = null;
        }
        this.optimizer = new AdamW(trainables, Map.of(
                DECAY, new AdamW.Group(recipe.learningRate(), recipe.weightDecay()),
                NO_DECAY, new AdamW.Group(recipe.learningRate(), 0f)), 0.9f, 0.999f, 1e-8f,
                StatePrecision.FLOAT32, manager);
        this.schedule = new LearningRateSchedule(LearningRateScheduleKind.COSINE, recipe.warmupSteps(),
                recipe.steps(), 0.5f);
        this.processor = ImageProcessor.fromJson(DinoFolder.preprocessor(recipe.imageSize()));
    }

    // weight decay on matrices and convolutions only, as usual for ViTs (not biases, norms, CLS, positions)
    private static boolean decays(String name, Parameter p) {
        return name.endsWith(".weight") && p.shape().dimension() >= 2;
    }

    // seeded Gaussian rows (only their directions matter)
    private static NDArray initialPrototypes(int count, int dim, long seed, NDManager m) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, 0x9A07L));
        float[] v = new float[count * dim];
        for (int i = 0; i < v.length; i++) {
            double u1 = 1.0 - rng.nextDouble();
            v[i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng.nextDouble()));
        }
        NDArray a = m.create(v, new Shape(count, dim));
        a.setRequiresGradient(true);
        return a;
    }

    /** A fresh run from random weights (seeded by the recipe). */
    public static DinoTrainer start(DinoRecipe recipe, ViewPool pool, NDManager parent) {
        return new DinoTrainer(recipe, pool, parent);
    }

    /**
     * Continues from {@code checkpoint}; {@code pool} must be freshly built from the same recipe (it is advanced to
     * the checkpoint's step). The recipe's architecture must match the checkpoint's; its step count may be larger.
     */
    public static DinoTrainer resume(Path checkpoint, DinoRecipe recipe, ViewPool pool, NDManager parent)
            throws IOException {
        DinoTrainer t = new DinoTrainer(recipe, pool, parent);
        try (SafeTensorsFile st = SafeTensorsFile.open(checkpoint)) {
            String saved = st.metadata().get("architecture");
            if (saved != null && !saved.equals(architecture(recipe))) {
                throw new IllegalArgumentException(checkpoint + " holds a " + saved + " encoder, the recipe builds "
                        + architecture(recipe));
            }
            for (Map.Entry<String, Parameter> e : t.model.namedParameters().entrySet()) {
                String key = MODEL_PREFIX + e.getKey();
                if (!st.contains(key)) {
                    throw new IllegalArgumentException(checkpoint + " lacks " + key);
                }
                NDArray src = st.loadFloat32(key, t.manager);
                AdamW.copyInto(e.getValue().array(), src); // in place: the optimizer holds these arrays
                src.close();
            }
            if (t.prototypes != null) {
                if (!st.contains(PROTOTYPES)) {
                    throw new IllegalArgumentException(checkpoint + " has no identity prototypes");
                }
                NDArray src = st.loadFloat32(PROTOTYPES, t.manager);
                if (!src.getShape().equals(t.prototypes.getShape())) {
                    throw new IllegalArgumentException(checkpoint + " holds prototypes " + src.getShape()
                            + ", the pool needs " + t.prototypes.getShape());
                }
                AdamW.copyInto(t.prototypes, src);
                src.close();
            }
            Map<String, NDArray> state = new HashMap<>();
            try (NDManager tmp = t.manager.newSubManager()) {
                for (String k : st.names()) {
                    if (k.startsWith(OPTIM_PREFIX)) {
                        state.put(k.substring(OPTIM_PREFIX.length()), st.load(k, tmp));
                    }
                }
                t.optimizer.loadState(state);
            }
            t.step = Integer.parseInt(st.metadata().get("step"));
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
        pool.advanceTo(t.step);
        return t;
    }

    private static String architecture(DinoRecipe r) {
        return String.format(Locale.ROOT, "ViT %dpx patch %d hidden %d layers %d heads %d mlp %d%s", r.imageSize(),
                r.patchSize(), r.hidden(), r.layers(), r.heads(), r.intermediate(),
                r.prototypeWeight() > 0 ? " + prototypes" : "");
    }

    /** The newest {@code dino-*.safetensors} checkpoint in {@code dir}, if any. */
    public static Optional<Path> latestCheckpoint(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("dino-\\d+\\.safetensors"))
                    .max((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        }
    }

    public DinoVit model() {
        return model;
    }

    public DinoRecipe recipe() {
        return recipe;
    }

    /** Completed optimizer steps. */
    public int step() {
        return step;
    }

    /** One optimizer step on two views of {@code identitiesPerBatch} identities, then a pool refresh. */
    public StepStats trainStep() {
        StepStats stats;
        try (NDScope ignored = new NDScope(); NDManager stepManager = manager.newSubManager()) {
            Batch b = batch(stepManager);
            float lossValue;
            float contrastive;
            float proto = 0;
            float accuracy;
            float protoAccuracy = 0;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray cls = model.cls(b.pixels());
                SupConLoss.Result r = SupConLoss.compute(cls, recipe.temperature());
                NDArray total = r.loss();
                contrastive = r.loss().getFloat();
                accuracy = r.accuracy();
                if (prototypes != null) {
                    SupConLoss.Result p = PrototypeLoss.compute(cls, prototypes, b.identity(), recipe.temperature());
                    proto = p.loss().getFloat();
                    protoAccuracy = p.accuracy();
                    try (NDArray w = stepManager.full(new Shape(), recipe.prototypeWeight(), DataType.FLOAT32)) {
                        total = total.add(p.loss().mul(w));
                    }
                }
                lossValue = total.getFloat();
                if (!Float.isFinite(lossValue)) {
                    throw new IllegalStateException("DINO loss is " + lossValue + " at step " + step);
                }
                collector.backward(total);
            }
            double factor = schedule.factor(optimizer.stepCount());
            float norm = update(factor);
            stats = new StepStats(step, lossValue, contrastive, proto, accuracy, protoAccuracy,
                    (float) (recipe.learningRate() * factor), norm);
        }
        pool.refresh(step);
        step++;
        return stats;
    }

    // the views of this step: [2k, 3, size, size], first views then second views of the same identities
    private Batch batch(NDManager m) {
        int k = recipe.identitiesPerBatch();
        int ids = pool.identities().size();
        int per = pool.viewsPerIdentity();
        SplittableRandom rng = new SplittableRandom(Seeds.mix(recipe.seed(), BATCH_STREAM, step));
        int[] order = new int[ids];
        for (int i = 0; i < ids; i++) {
            order[i] = i;
        }
        int[] identity = new int[2 * k];
        int[] view = new int[2 * k];
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(ids - i);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
            int a = rng.nextInt(per);
            int b = (a + 1 + rng.nextInt(per - 1)) % per; // a different view
            identity[i] = order[i];
            identity[i + k] = order[i];
            view[i] = a;
            view[i + k] = b;
        }
        int size = recipe.imageSize();
        return new Batch(m.create(pool.pixelValues(identity, view, processor), new Shape(2L * k, 3, size, size)),
                identity);
    }

    // clip + AdamW + zero gradients; returns the pre-clip global norm
    private float update(double factor) {
        List<NDArray> grads = new ArrayList<>(trainables.size());
        for (TrainableTensor t : trainables) {
            grads.add(t.array().getGradient());
        }
        try {
            float norm = GradientClipping.clipGlobalNorm(grads, recipe.maxGradNorm());
            if (!Float.isFinite(norm)) {
                throw new IllegalStateException("DINO gradient norm is " + norm + " at step " + step);
            }
            optimizer.step(grads, factor);
            return norm;
        } finally {
            for (TrainableTensor t : trainables) {
                JniUtils.zeroGrad((PtNDArray) t.array());
            }
            grads.forEach(NDArray::close);
        }
    }

    /** Writes {@code dir/dino-<step>.safetensors} (weights, optimizer state, step, recipe) and returns it. */
    public Path checkpoint(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(String.format(Locale.ROOT, "dino-%07d.safetensors", step));
        try (NDManager tmp = manager.newSubManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            model.stateDict().forEach((k, v) -> tensors.put(MODEL_PREFIX + k, v));
            if (prototypes != null) {
                tensors.put(PROTOTYPES, prototypes);
            }
            optimizer.state(tmp).forEach((k, v) -> tensors.put(OPTIM_PREFIX + k, v));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("step", String.valueOf(step));
            meta.put("architecture", architecture(recipe));
            meta.put("recipe", JSON.writeValueAsString(recipe));
            SafeTensorsWriter.write(file, tensors, meta);
        }
        return file;
    }

    /**
     * Writes the evaluator's ViT folder from a checkpoint's weights alone (no optimizer, no view pool): for looking
     * at a run while it continues.
     */
    public static void exportCheckpoint(Path checkpoint, DinoRecipe recipe, Path folder) throws IOException {
        DinoVit model = new DinoVit(recipe.vitConfig());
        try (NDManager m = NDManager.newBaseManager(); SafeTensorsFile st = SafeTensorsFile.open(checkpoint)) {
            List<String> keys = new ArrayList<>();
            for (String k : st.names()) {
                if (k.startsWith(MODEL_PREFIX)) {
                    keys.add(k.substring(MODEL_PREFIX.length()));
                }
            }
            model.loadStateDict(keys, (key, shape) -> st.contains(MODEL_PREFIX + key)
                    ? st.loadFloat32(MODEL_PREFIX + key, m) : null);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("likeness_step", st.metadata().getOrDefault("step", "?"));
            DinoFolder.write(model, folder, meta);
        }
    }

    /** Writes the evaluator's ViT folder (float16 weights) for the current weights. */
    public void exportFolder(Path folder) {
        try {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("likeness_step", String.valueOf(step));
            meta.put("likeness_objective", "supervised contrastive + prototype cosine-softmax over world identities "
                    + "(class, colour, pattern)");
            DinoFolder.write(model, folder, meta);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        optimizer.close();
        manager.close();
    }
}
