package dev.likeness.worldmodels.vae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.engine.model.JsonConfig;
import dev.likeness.engine.model.ModelWeights;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.random.RandomInit;
import dev.likeness.training.LearningRateScheduleKind;
import dev.likeness.training.TrainableTensor;
import dev.likeness.training.TrainingConfig.StatePrecision;
import dev.likeness.training.optim.AdamW;
import dev.likeness.training.optim.GradientClipping;
import dev.likeness.training.optim.LearningRateSchedule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Trains a diffusers {@link AutoencoderKL} from scratch on world images: one step encodes a batch, decodes a
 * reparameterised posterior sample, back-propagates {@code L1 + w·MSE + k·KL} through decoder and encoder, clips the
 * global gradient norm and applies AdamW (warm-up, cosine decay). Batches and reparameterisation noise are pure
 * functions of (seed, step), so a resumed run continues exactly as an uninterrupted one would. With a recipe object
 * weight above 1, L1 and MSE are means of per-pixel weighted errors ({@link ImagePool#pixelWeights}).
 *
 * <p>Checkpoints are folders {@code step-NNNNNN/} with {@code model.safetensors} (float32),
 * {@code optimizer.safetensors} and {@code state.json}. {@link #exportFolder} writes the diffusers {@code vae/}
 * folder: {@code config.json} with the measured {@code scaling_factor} and float16 weights.
 */
public final class VaeTrainer implements AutoCloseable {

    /** Statistics of one optimizer step (loss terms before weighting). */
    public record StepStats(int step, float loss, float l1, float mse, float kl, float learningRate, float gradNorm) {
    }

    private static final String MODEL_FILE = "model.safetensors";
    private static final String OPTIMIZER_FILE = "optimizer.safetensors";
    private static final String STATE_FILE = "state.json";

    private final VaeRecipe recipe;
    private final ImagePool pool;
    private final NDManager manager;
    private final AutoencoderKL model;
    private final Conv2d quantConv;
    private final List<TrainableTensor> trainables;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private int step;

    private VaeTrainer(VaeRecipe recipe, ImagePool pool, NDManager parent, Path checkpoint) {
        if (pool.side() != recipe.imageSize()) {
            throw new IllegalArgumentException("image pool renders " + pool.side() + " px images, the recipe trains at "
                    + recipe.imageSize() + " px");
        }
        this.recipe = recipe;
        this.pool = pool;
        this.manager = parent.newSubManager();
        this.model = new AutoencoderKL(recipe.config(1.0));
        if (checkpoint == null) {
            RandomInit.initialize(model, recipe.seed(), manager);
        } else {
            ModelWeights.load(model, checkpoint.resolve(MODEL_FILE), manager, "");
        }
        this.quantConv = (Conv2d) model.children().get("quant_conv");
        this.trainables = new ArrayList<>();
        model.namedParameters().forEach((k, p) -> trainables.add(new TrainableTensor(k, p.array(),
                TrainableTensor.DEFAULT_GROUP)));
        this.optimizer = new AdamW(trainables,
                Map.of(TrainableTensor.DEFAULT_GROUP, new AdamW.Group(recipe.learningRate(), recipe.weightDecay())),
                0.9f, 0.999f, 1e-8f, StatePrecision.FLOAT32, manager);
        this.schedule = new LearningRateSchedule(LearningRateScheduleKind.COSINE, recipe.warmupSteps(),
                recipe.steps(), 0.5f);
    }

    /** A fresh model, randomly initialised from the recipe's seed. */
    public static VaeTrainer start(VaeRecipe recipe, ImagePool pool, NDManager parent) {
        return new VaeTrainer(recipe, pool, parent, null);
    }

    /**
     * Continues from a checkpoint folder. The recipe's architecture and seed must match the checkpoint's; its
     * {@code steps} may be larger (the cosine schedule is stretched to the new length).
     */
    public static VaeTrainer resume(Path checkpoint, VaeRecipe recipe, ImagePool pool, NDManager parent)
            throws IOException {
        JsonConfig state = JsonConfig.read(checkpoint.resolve(STATE_FILE));
        String expected = recipe.config(1.0).toJson().toString();
        String stored = state.getString("vae_config", "");
        if (!expected.equals(stored)) {
            throw new IllegalArgumentException("checkpoint " + checkpoint + " trained VAE config " + stored
                    + ", this run asks for " + expected);
        }
        long seed = (long) state.getDouble("seed", Double.NaN);
        if (seed != recipe.seed()) {
            throw new IllegalArgumentException("checkpoint " + checkpoint + " has seed " + seed + ", this run has seed "
                    + recipe.seed());
        }
        VaeTrainer t = new VaeTrainer(recipe, pool, parent, checkpoint);
        try (NDManager scratch = t.manager.newSubManager();
             SafeTensorsFile opt = SafeTensorsFile.open(checkpoint.resolve(OPTIMIZER_FILE))) {
            Map<String, NDArray> s = new HashMap<>();
            for (String name : opt.names()) {
                s.put(name, opt.load(name, scratch));
            }
            t.optimizer.loadState(s);
        }
        t.step = state.getInt("step", 0);
        return t;
    }

    /** The newest {@code step-NNNNNN} folder under {@code dir} that holds a complete checkpoint. */
    public static Optional<Path> latestCheckpoint(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d+"))
                    .filter(p -> Files.isRegularFile(p.resolve(STATE_FILE)))
                    .max((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        }
    }

    public AutoencoderKL model() {
        return model;
    }

    public VaeRecipe recipe() {
        return recipe;
    }

    /** Optimizer steps completed. */
    public int step() {
        return step;
    }

    /** The pool indices of step {@code s}'s batch. */
    public int[] batchIndices(int s) {
        SplittableRandom r = new SplittableRandom(mix(recipe.seed(), s, 1));
        int[] idx = new int[recipe.batchSize()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = r.nextInt(pool.size());
        }
        return idx;
    }

    /** One optimizer step on the step's batch. */
    public StepStats trainStep() {
        StepStats stats;
        try (NDScope ignored = new NDScope(); NDManager sm = manager.newSubManager()) {
            int[] indices = batchIndices(step);
            NDArray x = pool.batch(indices, sm);
            NDArray weights = recipe.objectWeight() > 1f ? pool.pixelWeights(indices, recipe.objectWeight(), sm) : null;
            NDArray eps = noise(step, x.getShape().get(0), sm);
            float lr = optimizer.learningRate(0, schedule.factor(optimizer.stepCount()));
            Terms terms;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                terms = losses(x, eps, weights, sm);
                if (!Float.isFinite(terms.value)) {
                    throw new IllegalStateException("VAE loss is " + terms.value + " at step " + step + " (lr " + lr
                            + ")");
                }
                collector.backward(terms.total);
            }
            float norm = update();
            stats = new StepStats(step, terms.value, terms.l1, terms.mse, terms.kl, lr, norm);
        }
        step++;
        return stats;
    }

    /**
     * The loss on {@code x} without a gradient (for tests and validation).
     *
     * @param x {@code [batch, 3, size, size]} in [-1, 1]
     */
    public StepStats evaluate(NDArray x, int noiseStep) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDScope ignored = new NDScope(); NDManager sm = manager.newSubManager()) {
            Terms t = losses(x, noise(noiseStep, x.getShape().get(0), sm), null, sm);
            return new StepStats(step, t.value, t.l1, t.mse, t.kl, 0f, 0f);
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    private record Terms(NDArray total, float value, float l1, float mse, float kl) {
    }

    // weights: per-pixel reconstruction weights [b, 1, h, w] with mean 1, or null for plain means
    private Terms losses(NDArray x, NDArray eps, NDArray weights, NDManager sm) {
        long b = x.getShape().get(0);
        NDArray moments = quantConv.forward(model.encoder().forward(x));
        NDList parts = moments.split(2, 1);
        NDArray mean = parts.get(0);
        NDArray logvar = parts.get(1).clip(-30f, 20f);
        // scalars as torch tensors: DJL's mul(Number) hands autograd a buffer it frees at once
        NDArray std = logvar.mul(scalar(sm, 0.5f)).exp();
        NDArray z = eps.mul(std).add(mean);
        NDArray rec = model.decode(z);
        NDArray diff = rec.sub(x);
        NDArray absDiff = diff.abs();
        NDArray sqDiff = diff.square();
        if (weights != null) {
            absDiff = absDiff.mul(weights);
            sqDiff = sqDiff.mul(weights);
        }
        NDArray l1 = absDiff.mean();
        NDArray mse = sqDiff.mean();
        // KL(N(mean, var) || N(0, 1)) per image = 0.5 · Σ (mean² + var − 1 − logvar); the constant −1 carries no
        // gradient and is added back only to the reported value
        NDArray klSum = mean.square().add(std.square()).sub(logvar).sum();
        long latentPerImage = mean.getShape().size() / b;
        NDArray total = l1.add(mse.mul(scalar(sm, recipe.mseWeight())))
                .add(klSum.mul(scalar(sm, 0.5f * recipe.klWeight() / b)));
        float kl = (float) (0.5 * (klSum.getFloat() / b - latentPerImage));
        float l1v = l1.getFloat();
        float msev = mse.getFloat();
        return new Terms(total, l1v + recipe.mseWeight() * msev + recipe.klWeight() * kl, l1v, msev, kl);
    }

    private static NDArray scalar(NDManager m, float v) {
        return m.full(new Shape(), v, DataType.FLOAT32);
    }

    // standard normal reparameterisation noise of step s, from Java's specified generator
    private NDArray noise(int s, long batch, NDManager m) {
        int f = recipe.config(1.0).downscaleFactor();
        int side = recipe.imageSize() / f;
        Shape shape = new Shape(batch, recipe.latentChannels(), side, side);
        float[] v = new float[Math.toIntExact(shape.size())];
        SplittableRandom r = new SplittableRandom(mix(recipe.seed(), s, 2));
        for (int i = 0; i < v.length; i += 2) {
            double u1 = 1.0 - r.nextDouble();
            double u2 = r.nextDouble();
            double rad = Math.sqrt(-2.0 * Math.log(u1));
            v[i] = (float) (rad * Math.cos(2 * Math.PI * u2));
            if (i + 1 < v.length) {
                v[i + 1] = (float) (rad * Math.sin(2 * Math.PI * u2));
            }
        }
        return m.create(v, shape);
    }

    // clip + AdamW + zero gradients; returns the pre-clip global norm
    private float update() {
        List<NDArray> grads = new ArrayList<>(trainables.size());
        for (TrainableTensor t : trainables) {
            grads.add(t.array().getGradient());
        }
        try {
            float norm = recipe.maxGradNorm() > 0
                    ? GradientClipping.clipGlobalNorm(grads, recipe.maxGradNorm())
                    : GradientClipping.globalNorm(grads);
            if (!Float.isFinite(norm)) {
                throw new IllegalStateException("VAE gradient norm is " + norm + " at step " + step);
            }
            optimizer.step(grads, schedule.factor(optimizer.stepCount()));
            return norm;
        } finally {
            for (TrainableTensor t : trainables) {
                JniUtils.zeroGrad((PtNDArray) t.array());
            }
            grads.forEach(NDArray::close);
        }
    }

    /** Writes {@code dir/step-NNNNNN/} (weights, optimizer state, step) and returns it. */
    public Path checkpoint(Path dir) throws IOException {
        Path target = dir.resolve(String.format("step-%06d", step));
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        Files.createDirectories(tmp);
        ModelWeights.save(model, tmp.resolve(MODEL_FILE), "");
        try (NDManager scratch = manager.newSubManager()) {
            SafeTensorsWriter.write(tmp.resolve(OPTIMIZER_FILE), optimizer.state(scratch), Map.of("format", "pt"));
        }
        ObjectNode state = JsonConfig.object();
        state.put("step", step);
        state.put("seed", recipe.seed());
        state.put("vae_config", recipe.config(1.0).toJson().toString());
        Files.writeString(tmp.resolve(STATE_FILE), JsonConfig.JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(state));
        if (Files.exists(target)) {
            deleteTree(target);
        }
        Files.move(tmp, target);
        return target;
    }

    /**
     * Writes the diffusers {@code vae/} folder: {@code config.json} whose {@code scaling_factor} is 1 / std of
     * posterior samples of {@code scaleSamples} pool images (as Stable Diffusion's 0.18215 was chosen) and
     * {@code diffusion_pytorch_model.safetensors} in float16.
     *
     * @return the scaling factor
     */
    public double exportFolder(Path folder, ImagePool scaleData, int scaleSamples) throws IOException {
        double scaling = 1.0 / latentStd(scaleData, scaleSamples);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), JsonConfig.JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(recipe.config(scaling).toJson()) + "\n");
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> half = new LinkedHashMap<>();
            model.namedParameters().forEach((k, p) -> half.put(k, p.array().toType(DataType.FLOAT16, true)));
            half.values().forEach(a -> a.attach(scratch));
            SafeTensorsWriter.write(folder.resolve("diffusion_pytorch_model.safetensors"), half,
                    Map.of("format", "pt"));
        }
        return scaling;
    }

    /** Standard deviation over all elements of posterior samples of the first {@code n} pool images. */
    public double latentStd(ImagePool data, int n) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        double sum = 0;
        double sumSq = 0;
        long count = 0;
        int chunk = 64;
        try {
            for (int from = 0; from < n; from += chunk) {
                int len = Math.min(chunk, n - from);
                int[] idx = new int[len];
                for (int i = 0; i < len; i++) {
                    idx[i] = from + i;
                }
                try (NDScope ignored = new NDScope(); NDManager sm = manager.newSubManager()) {
                    NDArray x = data.batch(idx, sm);
                    NDArray moments = quantConv.forward(model.encoder().forward(x));
                    NDList parts = moments.split(2, 1);
                    NDArray std = parts.get(1).clip(-30f, 20f).mul(scalar(sm, 0.5f)).exp();
                    NDArray z = noise(-1 - from, len, sm).mul(std).add(parts.get(0));
                    float[] v = z.toFloatArray();
                    for (float f : v) {
                        sum += f;
                        sumSq += (double) f * f;
                    }
                    count += v.length;
                }
            }
        } finally {
            JniUtils.setGradMode(previous);
        }
        double mean = sum / count;
        return Math.sqrt(Math.max(sumSq / count - mean * mean, 1e-12));
    }

    private static long mix(long seed, long a, long b) {
        long z = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Override
    public void close() {
        optimizer.close();
        manager.close();
    }
}
