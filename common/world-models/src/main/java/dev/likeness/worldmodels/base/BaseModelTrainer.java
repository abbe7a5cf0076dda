package dev.likeness.worldmodels.base;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.likeness.engine.model.JsonConfig;
import dev.likeness.engine.model.ModelWeights;
import dev.likeness.engine.model.clip.ClipTextConfig;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.model.clip.ClipTextOutput;
import dev.likeness.engine.model.unet.UNet2DConditionModel;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.engine.random.RandomInit;
import dev.likeness.engine.tokenizer.ClipTokenizer;
import dev.likeness.metrics.encoder.ClipConfig;
import dev.likeness.training.NoiseSchedule;
import dev.likeness.training.NoiseSchedule.PredictionType;
import dev.likeness.training.TrainableTensor;
import dev.likeness.training.TrainingConfig.StatePrecision;
import dev.likeness.training.checkpoint.TrainingCheckpoint;
import dev.likeness.training.loop.DiffusionObjective;
import dev.likeness.training.loop.NanLossException;
import dev.likeness.training.loop.StepRandom;
import dev.likeness.training.optim.AdamW;
import dev.likeness.training.optim.GradientClipping;
import dev.likeness.training.optim.LearningRateSchedule;
import dev.likeness.world.scene.Captions;
import dev.likeness.world.scene.SceneAttributes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains the world base model: a UNet and a CLIP text encoder, jointly from random initialisation, on the latent
 * pool's captioned world images (latent diffusion style: the text encoder learns through the diffusion loss). Epsilon
 * objective on SD 1.x's scaled-linear DDPM schedule (0.00085–0.012, 1000 steps), captions shortened or dropped by
 * {@link CaptionAugmentation}, AdamW with warm-up and a cosine decay, global-norm clipping, and an EMA of the weights
 * that is what gets exported.
 *
 * <p>Every step draws its batch, captions, timesteps and noise from streams keyed by (seed, step), so a run resumed
 * from a {@link #saveCheckpoint checkpoint} makes exactly the updates an uninterrupted run makes. Owns one
 * {@link NDManager} for weights, EMA and optimizer state; each step runs in its own scope.
 */
public final class BaseModelTrainer implements AutoCloseable {

    /** Purpose id of the caption stream (next to {@link StepRandom}'s). */
    static final long CAPTIONS = 11;
    static final String METHOD = "world-base";

    private final BaseTrainingConfig config;
    private final BaseModelArchitecture architecture;
    private final LatentPool pool;
    private final List<SceneAttributes> scenes;
    private final ClipTokenizer tokenizer;
    private final NDManager manager;
    private final UNet2DConditionModel unet;
    private final ClipTextModel textEncoder;
    private final boolean textEncoderFrozen;
    private final List<TrainableTensor> trainables;
    private final Map<String, NDArray> ema;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private final DiffusionObjective objective;
    private final NoiseSchedule noise;
    private final List<Float> losses = new ArrayList<>();
    private int step;

    /** Result of one optimizer step. */
    public record StepResult(int step, float loss, float gradNorm, float learningRate) {
    }

    /**
     * @param scenes    the attributes of pool sample {@code i} at index {@code i} (captions are drawn from them)
     * @param tokenizer the world tokenizer (ids must fit the text encoder's vocabulary)
     */
    public BaseModelTrainer(BaseTrainingConfig config, BaseModelArchitecture architecture, LatentPool pool,
                            List<SceneAttributes> scenes, ClipTokenizer tokenizer, NDManager parent) {
        this(config, architecture, pool, scenes, tokenizer, null, parent);
    }

    /**
     * As above; with {@code frozenTextEncoder} (a CLIPModel folder whose text tower matches
     * {@code architecture.textEncoder()}) the text encoder starts from that tower and stays frozen, as Stable
     * Diffusion's does: only the UNet trains, and the exported {@code text_encoder/} is the tower's weights.
     */
    public BaseModelTrainer(BaseTrainingConfig config, BaseModelArchitecture architecture, LatentPool pool,
                            List<SceneAttributes> scenes, ClipTokenizer tokenizer, Path frozenTextEncoder,
                            NDManager parent) {
        if (scenes.size() != pool.count()) {
            throw new IllegalArgumentException("need one scene per pooled latent: " + scenes.size() + " scenes, "
                    + pool.count() + " latents");
        }
        if (tokenizer.vocabSize() > architecture.textEncoder().vocabSize()) {
            throw new IllegalArgumentException("tokenizer has " + tokenizer.vocabSize() + " ids but the text encoder"
                    + " only " + architecture.textEncoder().vocabSize());
        }
        if (pool.shape().get(0) != architecture.unet().inChannels()) {
            throw new IllegalArgumentException("latents have " + pool.shape().get(0) + " channels, the UNet takes "
                    + architecture.unet().inChannels());
        }
        this.config = config;
        this.architecture = architecture;
        this.pool = pool;
        this.scenes = List.copyOf(scenes);
        this.tokenizer = tokenizer;
        this.manager = parent.newSubManager();
        this.unet = new UNet2DConditionModel(architecture.unet());
        this.textEncoder = new ClipTextModel(architecture.textEncoder());
        RandomInit.initialize(unet, config.seed(), manager);
        this.textEncoderFrozen = frozenTextEncoder != null;
        if (textEncoderFrozen) {
            loadClipTextTower(textEncoder, frozenTextEncoder, manager);
        } else {
            RandomInit.initialize(textEncoder, config.seed() + 1, manager);
        }
        this.trainables = new ArrayList<>();
        unet.namedParameters().forEach((k, p) -> trainables.add(
                new TrainableTensor("unet." + k, p.array(), TrainableTensor.DEFAULT_GROUP)));
        if (!textEncoderFrozen) {
            textEncoder.namedParameters().forEach((k, p) -> trainables.add(
                    new TrainableTensor("text_encoder." + k, p.array(), TrainableTensor.DEFAULT_GROUP)));
        }
        this.ema = new LinkedHashMap<>();
        if (config.emaDecay() > 0) {
            for (TrainableTensor t : trainables) {
                NDArray copy = t.array().duplicate();
                copy.setRequiresGradient(false);
                ema.put(t.name(), copy);
            }
        }
        this.optimizer = new AdamW(trainables,
                Map.of(TrainableTensor.DEFAULT_GROUP, new AdamW.Group(config.learningRate(), config.weightDecay())),
                0.9f, 0.999f, 1e-8f, StatePrecision.FLOAT32, manager);
        this.schedule = new LearningRateSchedule(config.schedule(), config.warmupSteps(), config.steps(), 0.5f);
        this.noise = new NoiseSchedule(NoiseSchedule.alphasCumprod("scaled_linear", 0.00085, 0.012, 1000),
                PredictionType.EPSILON);
        this.objective = new DiffusionObjective(noise, PredictionType.EPSILON, 0f, null);
    }

    /** Steps completed so far. */
    public int step() {
        return step;
    }

    /** Loss of every completed step. */
    public List<Float> losses() {
        return List.copyOf(losses);
    }

    public BaseTrainingConfig config() {
        return config;
    }

    public UNet2DConditionModel unet() {
        return unet;
    }

    public ClipTextModel textEncoder() {
        return textEncoder;
    }

    /** The captions step {@code stepIndex} trains on (deterministic per seed and step). */
    public List<String> captions(int stepIndex) {
        int[] idx = batchIndices(stepIndex);
        SplittableRandom r = StepRandom.of(config.seed(), CAPTIONS, stepIndex, 0);
        List<String> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(config.captions().caption(scenes.get(i), r));
        }
        return out;
    }

    private int[] batchIndices(int stepIndex) {
        SplittableRandom r = StepRandom.of(config.seed(), StepRandom.DATA_ORDER, stepIndex, 0);
        int[] idx = new int[config.batchSize()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = r.nextInt(pool.count());
        }
        return idx;
    }

    /** One optimizer step on the batch of the current step. */
    public StepResult trainStep() {
        int b = config.batchSize();
        int n = pool.latentSize();
        int[] idx = batchIndices(step);
        List<String> captions = captions(step);
        SplittableRandom r = StepRandom.of(config.seed(), StepRandom.NOISE, step, 0);
        long[] t = new long[b];
        for (int i = 0; i < b; i++) {
            t[i] = r.nextInt(noise.numTrainTimesteps());
        }
        float[] latentEps = StepRandom.gaussian(r, b * n);
        float[] eps = StepRandom.gaussian(r, b * n);
        double factor = schedule.factor(optimizer.stepCount());
        float lr = (float) (config.learningRate() * factor);
        float loss;
        float norm;
        try (NDScope ignored = new NDScope(); NDManager m = manager.newSubManager()) {
            NDArray ids = tokenizer.encodeBatch(captions, m);
            NDArray latents = pool.sample(idx, latentEps, m);
            NDArray target = m.create(eps, latents.getShape());
            NDArray timesteps = m.create(t);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray lossArray = loss(ids, latents, target, timesteps);
                loss = lossArray.getFloat();
                if (!Float.isFinite(loss)) {
                    throw new NanLossException(step, loss, "the loss", lr);
                }
                collector.backward(lossArray);
            }
            norm = update(factor, lr);
        }
        updateEma();
        losses.add(loss);
        step++;
        return new StepResult(step, loss, norm, lr);
    }

    // MSE between the predicted and the true noise
    private NDArray loss(NDArray ids, NDArray latents, NDArray eps, NDArray timesteps) {
        NDArray noisy = objective.addNoise(latents, eps, timesteps);
        ClipTextOutput text = textEncoder.forward(ids);
        NDArray pred = unet.forward(noisy, timesteps, text.lastHiddenState());
        return pred.sub(eps).square().mean();
    }

    private float update(double factor, float lr) {
        List<NDArray> grads = new ArrayList<>(trainables.size());
        for (TrainableTensor t : trainables) {
            grads.add(t.array().getGradient());
        }
        try {
            float norm = GradientClipping.clipGlobalNorm(grads, config.maxGradNorm());
            if (!Float.isFinite(norm)) {
                throw new NanLossException(step, norm, "the gradient norm", lr);
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

    private void updateEma() {
        if (ema.isEmpty()) {
            return;
        }
        float decay = Math.min(config.emaDecay(), (1f + step) / (10f + step));
        try (NDScope ignored = new NDScope()) {
            for (TrainableTensor t : trainables) {
                // ema = decay·ema + (1 − decay)·p, in place; p.mul makes a temporary the scope frees
                ema.get(t.name()).muli(decay).addi(t.array().mul(1f - decay));
            }
        }
    }

    /**
     * The loss on a fixed evaluation batch (full captions, timesteps spread over the schedule, noise from
     * {@code evalSeed}), without updating anything: comparable across steps and runs.
     *
     * @param useEma evaluate the EMA weights instead of the raw ones
     */
    public float evaluate(int samples, long evalSeed, boolean useEma) {
        int count = Math.min(samples, pool.count());
        int n = pool.latentSize();
        int[] idx = new int[count];
        long[] t = new long[count];
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            idx[i] = i;
            t[i] = (long) ((i + 0.5) * noise.numTrainTimesteps() / count);
            captions.add(Captions.caption(scenes.get(i)));
        }
        SplittableRandom r = StepRandom.of(evalSeed, StepRandom.NOISE, -1, 0);
        float[] latentEps = new float[count * n];
        float[] eps = StepRandom.gaussian(r, count * n);
        Map<String, NDArray> swapped = useEma && !ema.isEmpty() ? swapInEma() : null;
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDScope ignored = new NDScope(); NDManager m = manager.newSubManager()) {
            NDArray ids = tokenizer.encodeBatch(captions, m);
            NDArray latents = pool.sample(idx, latentEps, m);
            NDArray target = m.create(eps, latents.getShape());
            return loss(ids, latents, target, m.create(t)).getFloat();
        } finally {
            JniUtils.setGradMode(grad);
            if (swapped != null) {
                restore(swapped);
            }
        }
    }

    // copies the EMA weights into the parameters and returns the raw weights (copies) to restore afterwards
    private Map<String, NDArray> swapInEma() {
        Map<String, NDArray> raw = new LinkedHashMap<>();
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (TrainableTensor t : trainables) {
                NDArray copy = t.array().duplicate();
                copy.setRequiresGradient(false);
                raw.put(t.name(), copy);
                AdamW.copyInto(t.array(), ema.get(t.name()));
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        return raw;
    }

    private void restore(Map<String, NDArray> raw) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (TrainableTensor t : trainables) {
                AdamW.copyInto(t.array(), raw.get(t.name()));
            }
        } finally {
            JniUtils.setGradMode(grad);
            raw.values().forEach(NDArray::close);
        }
    }

    /** Writes {@code root/checkpoint-<step>}: weights, EMA weights, AdamW state and the loss history. */
    public Path saveCheckpoint(Path root) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> state = new LinkedHashMap<>();
            for (TrainableTensor t : trainables) {
                state.put(t.name(), t.array());
            }
            ema.forEach((k, v) -> state.put("ema." + k, v));
            return TrainingCheckpoint.write(root, step, config.seed(), METHOD, state, optimizer.state(m), losses,
                    config.toString());
        }
    }

    /** Restores a checkpoint written by {@link #saveCheckpoint} (same architecture and seed). */
    public void resume(Path checkpointDir) throws IOException {
        TrainingCheckpoint cp = TrainingCheckpoint.read(checkpointDir);
        if (!METHOD.equals(cp.method())) {
            throw new IllegalArgumentException(checkpointDir + " is a '" + cp.method() + "' checkpoint, not "
                    + METHOD);
        }
        if (cp.seed() != config.seed()) {
            throw new IllegalArgumentException(checkpointDir + " was trained with seed " + cp.seed()
                    + ", this run has seed " + config.seed());
        }
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> state = cp.loadTrainable(m);
            for (TrainableTensor t : trainables) {
                copyChecked(t.array(), state.get(t.name()), t.name(), checkpointDir);
                if (!ema.isEmpty()) {
                    NDArray e = state.get("ema." + t.name());
                    copyChecked(ema.get(t.name()), e != null ? e : state.get(t.name()), "ema." + t.name(),
                            checkpointDir);
                }
            }
            optimizer.loadState(cp.loadOptimizer(m));
        } finally {
            JniUtils.setGradMode(grad);
        }
        step = cp.step();
        losses.clear();
        losses.addAll(cp.losses());
    }

    /**
     * Starts from the weights of an existing world-sd folder (its {@code unet/} and {@code text_encoder/}) instead of
     * the random initialisation: raw and EMA weights both, fresh optimizer state. This is how the shipped weights are
     * trained further when their checkpoints are not at hand.
     */
    public void initFrom(Path worldSd) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> source = new LinkedHashMap<>();
            UNet2DConditionModel u = UNet2DConditionModel.load(worldSd.resolve("unet"), m);
            u.namedParameters().forEach((k, p) -> source.put("unet." + k, p.array()));
            ClipTextModel te = ClipTextModel.load(worldSd.resolve("text_encoder"), m);
            te.namedParameters().forEach((k, p) -> source.put("text_encoder." + k, p.array()));
            for (TrainableTensor t : trainables) {
                copyChecked(t.array(), source.get(t.name()), t.name(), worldSd);
                if (!ema.isEmpty()) {
                    copyChecked(ema.get(t.name()), source.get(t.name()), t.name(), worldSd);
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    private static void copyChecked(NDArray target, NDArray src, String name, Path dir) {
        if (src == null) {
            throw new IllegalArgumentException(dir + " has no tensor '" + name + "'");
        }
        if (!src.getShape().equals(target.getShape())) {
            throw new IllegalArgumentException(dir + ": '" + name + "' has shape " + src.getShape() + ", the model "
                    + target.getShape());
        }
        try (NDArray f = src.toType(DataType.FLOAT32, true)) {
            AdamW.copyInto(target, f);
        }
    }

    /**
     * Writes the {@code unet/} and {@code text_encoder/} components (config + fp16 safetensors) of a diffusers folder.
     *
     * @param useEma write the EMA weights (when EMA is on) instead of the raw ones
     */
    public void exportComponents(Path folder, boolean useEma) throws IOException {
        boolean withEma = useEma && !ema.isEmpty();
        WorldSdFolder.writeComponent(folder.resolve("unet"), architecture.unet().toJson(),
                "diffusion_pytorch_model.safetensors", weights(unet, "unet.", withEma));
        WorldSdFolder.writeComponent(folder.resolve("text_encoder"), architecture.textEncoder().toJson(),
                "model.safetensors", weights(textEncoder, "text_encoder.", withEma && !textEncoderFrozen));
    }

    private Map<String, NDArray> weights(Module module, String prefix, boolean withEma) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            out.put(e.getKey(), withEma ? ema.get(prefix + e.getKey()) : e.getValue().array());
        }
        return out;
    }

    /** Whether the text encoder is a frozen, pretrained CLIP text tower (only the UNet trains). */
    public boolean textEncoderFrozen() {
        return textEncoderFrozen;
    }

    /** The text tower's config of a CLIPModel folder ({@code config.json}'s {@code text_config}). */
    public static ClipTextConfig clipTextConfig(Path clipFolder) {
        Path file = clipFolder.resolve("config.json");
        try {
            return ClipConfig.fromJson(JsonConfig.JSON.readTree(file.toFile()), file.toString()).text();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CLIP config " + file, e);
        }
    }

    // the text_model.* tensors of a CLIPModel checkpoint are CLIPTextModel's keys; the vision tower and the
    // projections are not part of a diffusers text encoder
    private static void loadClipTextTower(ClipTextModel target, Path clipFolder, NDManager manager) {
        Path weights = clipFolder.resolve("model.safetensors");
        if (!Files.isRegularFile(weights)) {
            throw new IllegalArgumentException("CLIP folder " + clipFolder + " has no model.safetensors");
        }
        ModelWeights.load(target, weights, manager, "",
                k -> !k.startsWith("text_model.") || k.endsWith("embeddings.position_ids"));
        target.namedParameters().values().forEach(p -> p.array().setRequiresGradient(false));
    }

    /** Shape of one pooled latent, {@code [channels, height, width]}. */
    public Shape latentShape() {
        return pool.shape();
    }

    @Override
    public void close() {
        optimizer.close();
        manager.close();
    }
}
