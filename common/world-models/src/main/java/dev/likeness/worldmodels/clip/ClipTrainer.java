package dev.likeness.worldmodels.clip;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.engine.nn.LayerNorm;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.engine.random.RandomInit;
import dev.likeness.engine.tokenizer.ClipTokenizer;
import dev.likeness.metrics.encoder.ClipModel;
import dev.likeness.metrics.preprocess.ImageProcessor;
import dev.likeness.training.LearningRateScheduleKind;
import dev.likeness.training.TrainableTensor;
import dev.likeness.training.TrainingConfig.StatePrecision;
import dev.likeness.training.optim.AdamW;
import dev.likeness.training.optim.GradientClipping;
import dev.likeness.training.optim.LearningRateSchedule;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.tokenizer.WorldTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Trains a small CLIP from random initialisation on the world's images and captions with the symmetric contrastive
 * loss ({@link ContrastiveLoss}), AdamW, linear warm-up then cosine decay, global-norm clipping and a learned
 * temperature clamped at a logit scale of 100. Each step samples its batch from a fixed {@link ImagePool} with a
 * generator seeded by (seed, step), so a resumed run continues exactly where the checkpoint left off.
 *
 * <p>Owns its weights and optimizer state in one manager; every step's temporaries live in a sub-manager closed at
 * the end of the step.
 */
public final class ClipTrainer implements AutoCloseable {

    /**
     * One logged step. {@code loss} is the total; {@code auxLoss} and {@code auxClassAccuracy} are the supervised
     * attribute loss (unweighted) and its class head's batch accuracy, 0 when the recipe has no auxiliary loss.
     */
    public record StepStats(int step, float loss, float batchAccuracy, float learningRate, float logitScale,
                            float gradNorm, float auxLoss, float auxClassAccuracy) {
        static final String CSV_HEADER =
                "step,loss,batch_accuracy,learning_rate,logit_scale,grad_norm,aux_loss,aux_class_accuracy";

        String csv() {
            return String.format(Locale.ROOT, "%d,%.5f,%.4f,%.6g,%.3f,%.4f,%.5f,%.4f", step, loss, batchAccuracy,
                    learningRate, logitScale, gradNorm, auxLoss, auxClassAccuracy);
        }

        // older logs have no aux columns
        static StepStats parse(String line) {
            String[] f = line.split(",");
            return new StepStats(Integer.parseInt(f[0]), Float.parseFloat(f[1]), Float.parseFloat(f[2]),
                    Float.parseFloat(f[3]), Float.parseFloat(f[4]), Float.parseFloat(f[5]),
                    f.length > 7 ? Float.parseFloat(f[6]) : 0f, f.length > 7 ? Float.parseFloat(f[7]) : 0f);
        }
    }

    private static final String MODEL_PREFIX = "model/";
    private static final String OPTIMIZER_PREFIX = "optimizer/";

    private final ClipRecipe recipe;
    private final ImagePool pool;
    private final NDManager manager;
    private final ClipModel model;
    private final Parameter logitScale;
    private final List<TrainableTensor> trainables = new ArrayList<>();
    /** Training-only attribute heads; null without an auxiliary loss. */
    private final AttributeHeads heads;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private final ClipTokenizer tokenizer;
    private final ImageProcessor processor;
    private final List<StepStats> history = new ArrayList<>();
    private int step;

    /** A freshly initialised model (seeded by the recipe) over {@code pool}. */
    public ClipTrainer(ClipRecipe recipe, ImagePool pool) {
        if (pool.imageSize() != recipe.imageSize()) {
            throw new IllegalArgumentException("pool images are " + pool.imageSize() + " px, the recipe trains at "
                    + recipe.imageSize() + " px");
        }
        if (pool.size() < recipe.batchSize()) {
            throw new IllegalArgumentException("pool of " + pool.size() + " images is smaller than a batch of "
                    + recipe.batchSize());
        }
        this.recipe = recipe;
        this.pool = pool;
        this.manager = NDManager.newBaseManager();
        this.model = new ClipModel(recipe.modelConfig());
        initialize(model, recipe.seed(), manager);
        this.logitScale = model.namedParameters().get("logit_scale");
        model.namedParameters().forEach((name, p) -> trainables.add(new TrainableTensor(name, p.array(),
                decays(name, p) ? "decay" : "no_decay")));
        this.heads = recipe.auxWeight() > 0 ? new AttributeHeads(recipe.projectionDim(), recipe.seed(), manager)
                : null;
        if (heads != null) {
            // no decay: the cosine heads only use their directions
            heads.weights().forEach((k, a) -> trainables.add(new TrainableTensor(k, a, "no_decay")));
        }
        this.optimizer = new AdamW(trainables, Map.of(
                "decay", new AdamW.Group(recipe.learningRate(), recipe.weightDecay()),
                "no_decay", new AdamW.Group(recipe.learningRate(), 0f)), 0.9f, 0.98f, 1e-6f, StatePrecision.FLOAT32,
                manager);
        this.schedule = new LearningRateSchedule(LearningRateScheduleKind.COSINE, recipe.warmupSteps(),
                recipe.steps(), 0.5f);
        this.tokenizer = worldTokenizer();
        this.processor = ClipFolder.processor(recipe.imageSize());
    }

    /** Renders the recipe's training pool (train split). */
    public static ImagePool trainingPool(ClipRecipe recipe, java.util.function.IntConsumer progress) {
        return trainingPool(recipe, Split.TRAIN, recipe.dataSeed(), progress);
    }

    /**
     * Renders a training pool from {@code split} of the world with data seed {@code dataSeed}. A judge may see every
     * composition ({@link Split#ALL}): the held-out split tests the base model, not the evaluator; another seed keeps
     * the pool's images apart from the held-out evaluation images of the recipe's own seed.
     */
    public static ImagePool trainingPool(ClipRecipe recipe, Split split, long dataSeed,
                                         java.util.function.IntConsumer progress) {
        return ImagePool.render(recipe.worldConfig().withSeed(dataSeed), split, recipe.poolSize(), progress);
    }

    /**
     * Torch-like random weights ({@link RandomInit}), then what CLIP starts from where that differs: layer norms at
     * exactly 1 and 0, the temperature at {@code 1/0.07}.
     */
    static void initialize(ClipModel model, long seed, NDManager manager) {
        RandomInit.initialize(model, seed, manager);
        for (Module m : model.namedModules().values()) {
            if (m instanceof LayerNorm) {
                for (Parameter p : m.localParameters().values()) {
                    p.set(p.name().equals("weight") ? manager.ones(p.shape()) : manager.zeros(p.shape()));
                }
            }
        }
        model.namedParameters().get("logit_scale").set(manager.full(new Shape(), ClipRecipe.INITIAL_LOG_SCALE,
                DataType.FLOAT32));
    }

    // weight decay on matrices and kernels only (CLIP's practice): not on biases, norms, embeddings or the scale
    private static boolean decays(String name, Parameter p) {
        return p.shape().dimension() >= 2 && !name.contains("embedding");
    }

    private static ClipTokenizer worldTokenizer() {
        try {
            Path dir = Files.createTempDirectory("world-tokenizer");
            try {
                WorldTokenizer.copyBundled(dir);
                return ClipTokenizer.load(dir);
            } finally {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the bundled world tokenizer", e);
        }
    }

    public ClipRecipe recipe() {
        return recipe;
    }

    public ClipModel model() {
        return model;
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    public ImageProcessor processor() {
        return processor;
    }

    /** Optimizer steps completed. */
    public int step() {
        return step;
    }

    /** Every step run or restored so far. */
    public List<StepStats> history() {
        return List.copyOf(history);
    }

    /** A batch: pool indices (distinct) and one text each. */
    record Batch(int[] indices, List<String> texts) {
    }

    Batch batch(int stepIndex) {
        SplittableRandom rnd = new SplittableRandom(recipe.seed() * 0x9E3779B97F4A7C15L + stepIndex);
        int b = recipe.batchSize();
        int[] idx = new int[b];
        Set<Integer> seen = new HashSet<>();
        List<String> texts = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            int k;
            do {
                k = rnd.nextInt(pool.size());
            } while (!seen.add(k));
            idx[i] = k;
            texts.add(CaptionVariants.draw(pool.scene(k), rnd));
        }
        return new Batch(idx, texts);
    }

    /** {@code [bos, tokens…, eos, pad…]} rows as long as the longest text of the batch needs. */
    NDArray tokenIds(List<String> texts, NDManager m) {
        List<int[]> toks = new ArrayList<>(texts.size());
        int longest = 0;
        for (String t : texts) {
            int[] ids = tokenizer.tokenize(t);
            toks.add(ids);
            longest = Math.max(longest, ids.length);
        }
        int length = Math.min(longest + 2, ClipRecipe.MAX_POSITIONS);
        long[] flat = new long[texts.size() * length];
        for (int r = 0; r < toks.size(); r++) {
            int[] ids = toks.get(r);
            int kept = Math.min(ids.length, length - 2);
            int o = r * length;
            java.util.Arrays.fill(flat, o, o + length, tokenizer.padId());
            flat[o] = tokenizer.bosId();
            for (int i = 0; i < kept; i++) {
                flat[o + 1 + i] = ids[i];
            }
            flat[o + 1 + kept] = tokenizer.eosId();
        }
        return m.create(flat, new Shape(texts.size(), length));
    }

    /** One optimizer step on the batch of the current step index. */
    public StepStats runStep() {
        Batch batch = batch(step);
        int b = recipe.batchSize();
        int s = recipe.imageSize();
        float lrFactor = (float) schedule.factor(optimizer.stepCount());
        float lossValue;
        float accuracy;
        float norm;
        float auxValue = 0f;
        float auxAccuracy = 0f;
        try (NDScope ignored = new NDScope(); NDManager stepManager = manager.newSubManager()) {
            NDArray pixels = stepManager.create(pool.pixelValues(batch.indices(), processor), new Shape(b, 3, s, s));
            NDArray ids = tokenIds(batch.texts(), stepManager);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray img = model.imageEmbeds(pixels);
                NDArray txt = model.textEmbeds(ids);
                ContrastiveLoss.Result r = ContrastiveLoss.compute(img, txt, logitScale.value(), batch.texts(),
                        stepManager);
                NDArray total = r.loss();
                if (heads != null) {
                    AttributeHeads.Result aux = heads.loss(img, objects(batch.indices()));
                    auxValue = aux.loss().getFloat();
                    auxAccuracy = aux.classAccuracy();
                    total = total.add(aux.loss().mul(AttributeHeads.scalar(stepManager, recipe.auxWeight())));
                }
                lossValue = total.getFloat();
                accuracy = r.accuracy();
                if (!Float.isFinite(lossValue)) {
                    throw new IllegalStateException("loss is " + lossValue + " at step " + step
                            + " (lower the learning rate)");
                }
                collector.backward(total);
            }
            norm = update(lrFactor);
        }
        StepStats stats = new StepStats(step, lossValue, accuracy, recipe.learningRate() * lrFactor,
                (float) Math.exp(logitScale.array().getFloat()), norm, auxValue, auxAccuracy);
        history.add(stats);
        step++;
        return stats;
    }

    private ObjectAttributes[] objects(int[] indices) {
        ObjectAttributes[] o = new ObjectAttributes[indices.length];
        for (int i = 0; i < indices.length; i++) {
            o[i] = pool.scene(indices[i]).primary();
        }
        return o;
    }

    /**
     * The supervised attribute loss (unweighted) on the batch of step {@code stepIndex}, without training.
     *
     * @throws IllegalStateException when the recipe has no auxiliary loss
     */
    public float auxLoss(int stepIndex) {
        if (heads == null) {
            throw new IllegalStateException("the recipe has aux weight 0: no attribute heads");
        }
        Batch batch = batch(stepIndex);
        int s = recipe.imageSize();
        try (NDScope ignored = new NDScope(); NDManager m = manager.newSubManager()) {
            NDArray pixels = m.create(pool.pixelValues(batch.indices(), processor),
                    new Shape(batch.indices().length, 3, s, s));
            return heads.loss(model.imageEmbeds(pixels), objects(batch.indices())).loss().getFloat();
        }
    }

    /** The contrastive loss on the batch of step {@code stepIndex} with the current weights, without training. */
    public float loss(int stepIndex) {
        Batch batch = batch(stepIndex);
        int s = recipe.imageSize();
        try (NDScope ignored = new NDScope(); NDManager m = manager.newSubManager()) {
            NDArray pixels = m.create(pool.pixelValues(batch.indices(), processor),
                    new Shape(batch.indices().length, 3, s, s));
            NDArray img = model.imageEmbeds(pixels);
            NDArray txt = model.textEmbeds(tokenIds(batch.texts(), m));
            return ContrastiveLoss.compute(img, txt, logitScale.array(), batch.texts(), m).loss().getFloat();
        }
    }

    private float update(double lrFactor) {
        List<NDArray> grads = new ArrayList<>(trainables.size());
        for (TrainableTensor t : trainables) {
            grads.add(t.array().getGradient());
        }
        try {
            float norm = GradientClipping.clipGlobalNorm(grads, recipe.maxGradNorm());
            if (!Float.isFinite(norm)) {
                throw new IllegalStateException("gradient norm is " + norm + " at step " + step);
            }
            optimizer.step(grads, lrFactor);
            clampScale();
            return norm;
        } finally {
            for (TrainableTensor t : trainables) {
                JniUtils.zeroGrad((PtNDArray) t.array());
            }
            grads.forEach(NDArray::close);
        }
    }

    private void clampScale() {
        NDArray a = logitScale.array();
        if (a.getFloat() > ClipRecipe.MAX_LOG_SCALE) {
            try (NDArray max = manager.full(new Shape(), ClipRecipe.MAX_LOG_SCALE, DataType.FLOAT32)) {
                AdamW.copyInto(a, max);
            }
        }
    }

    /** Weights, optimizer moments and step in one file (written atomically), plus {@code loss.csv} beside it. */
    public void saveCheckpoint(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            model.stateDict().forEach((k, a) -> tensors.put(MODEL_PREFIX + k, a));
            if (heads != null) {
                tensors.putAll(heads.weights());
            }
            optimizer.state(m).forEach((k, a) -> tensors.put(OPTIMIZER_PREFIX + k, a));
            SafeTensorsWriter.write(dir.resolve("clip-checkpoint.safetensors"), tensors,
                    Map.of("step", Integer.toString(step), "recipe", recipe.toString()));
        }
        writeLossCsv(dir.resolve("loss.csv"));
    }

    /** Restores {@link #saveCheckpoint}: weights, optimizer state, step and the logged history. */
    public void resume(Path dir) throws IOException {
        Path file = dir.resolve("clip-checkpoint.safetensors");
        if (!Files.isRegularFile(file)) {
            throw new IOException("no clip-checkpoint.safetensors in " + dir);
        }
        try (SafeTensorsFile st = SafeTensorsFile.open(file); NDManager m = manager.newSubManager()) {
            Map<String, NDArray> optimizerState = new LinkedHashMap<>();
            Set<String> modelKeys = new HashSet<>();
            for (String k : st.names()) {
                if (k.startsWith(MODEL_PREFIX)) {
                    modelKeys.add(k.substring(MODEL_PREFIX.length()));
                } else if (k.startsWith(OPTIMIZER_PREFIX)) {
                    optimizerState.put(k.substring(OPTIMIZER_PREFIX.length()), st.load(k, m));
                }
            }
            Map<String, Parameter> params = model.namedParameters();
            if (!modelKeys.equals(params.keySet())) {
                Set<String> missing = new HashSet<>(params.keySet());
                missing.removeAll(modelKeys);
                Set<String> extra = new HashSet<>(modelKeys);
                extra.removeAll(params.keySet());
                throw new IllegalArgumentException(file + " does not match the recipe's model: missing " + missing
                        + ", unexpected " + extra);
            }
            // copied in place: the optimizer holds the live arrays
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray a = st.loadFloat32(MODEL_PREFIX + e.getKey(), m);
                if (!a.getShape().equals(e.getValue().shape())) {
                    throw new IllegalArgumentException(file + ": " + e.getKey() + " has shape " + a.getShape()
                            + ", the recipe's model has " + e.getValue().shape());
                }
                AdamW.copyInto(e.getValue().array(), a);
            }
            if (heads != null) {
                for (Map.Entry<String, NDArray> e : heads.weights().entrySet()) {
                    if (!st.names().contains(e.getKey())) {
                        throw new IllegalArgumentException(file + " has no " + e.getKey() + ": it was written "
                                + "without the auxiliary loss (start from its export with --init-from instead)");
                    }
                    AdamW.copyInto(e.getValue(), st.loadFloat32(e.getKey(), m));
                }
            }
            optimizer.loadState(optimizerState);
            step = Integer.parseInt(st.metadata().getOrDefault("step", "0"));
        }
        history.clear();
        Path csv = dir.resolve("loss.csv");
        if (Files.isRegularFile(csv)) {
            for (String line : Files.readAllLines(csv)) {
                if (!line.isBlank() && !line.startsWith("step")) {
                    StepStats s = StepStats.parse(line);
                    if (s.step() < step) {
                        history.add(s);
                    }
                }
            }
        }
    }

    /**
     * Starts from the weights of an exported folder (e.g. the shipped bundle) instead of random ones; the optimizer
     * and the schedule start fresh. The folder's network must be the recipe's.
     */
    public void initializeFrom(Path folder) throws IOException {
        try (ClipModel source = ClipModel.load(folder)) {
            if (!source.config().equals(model.config())) {
                throw new IllegalArgumentException(folder + " holds " + source.config() + ", the recipe trains "
                        + model.config());
            }
            Map<String, Parameter> from = source.namedParameters();
            model.namedParameters().forEach((k, p) -> AdamW.copyInto(p.array(), from.get(k).array()));
        }
    }

    private void writeLossCsv(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(StepStats.CSV_HEADER);
        history.stream().sorted(Comparator.comparingInt(StepStats::step)).forEach(s -> lines.add(s.csv()));
        Files.write(file, lines);
    }

    /** Writes the evaluator's folder ({@link ClipFolder}) with the current weights. */
    public Path export(Path folder, boolean half) throws IOException {
        return ClipFolder.write(folder, model, half, Map.of("format", "pt", "step", Integer.toString(step)));
    }

    /** A zero-shot classifier over the current weights (closing it leaves the model open). */
    public ZeroShotClassifier classifier(ZeroShotClassifier.Prompting prompting) {
        return ZeroShotClassifier.of(model, processor, tokenizer, prompting);
    }

    @Override
    public void close() {
        optimizer.close();
        manager.close();
    }
}
