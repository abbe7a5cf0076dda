package dev.likeness.training.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.likeness.training.ArtifactMetadata;
import dev.likeness.training.FineTuningMethod;
import dev.likeness.training.TrainableTensor;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.checkpoint.TrainingCheckpoint;
import dev.likeness.training.data.LatentDistribution;
import dev.likeness.training.data.PromptEmbeddings;
import dev.likeness.training.optim.AdamW;
import dev.likeness.training.optim.GradientClipping;
import dev.likeness.training.optim.LearningRateSchedule;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;

/**
 * The training loop shared by every method. One step: for each of {@code gradientAccumulation} micro-batches draw
 * images, latent samples, noise and timesteps from the (seed, step)-keyed streams, noise the latents (DDPM), predict,
 * take the (prior-preserving, optionally min-SNR-weighted) MSE and back-propagate; then clip the global gradient norm,
 * apply AdamW at the scheduled learning rate and zero the gradients. Every array a step creates is closed at its end.
 *
 * <p>Usage: {@code new Trainer(model, method, cfg, manager)}, {@link #useData} (or {@link #useImages}),
 * {@link #train}, {@link #writeArtifact}, {@link #close}.
 */
public final class Trainer implements AutoCloseable {

    /** Parameter group of text-encoder tensors; its default learning rate is the config's text-encoder rate. */
    public static final String TEXT_ENCODER_GROUP = "text_encoder";

    private final TrainingModel model;
    private final FineTuningMethod method;
    private final TrainingConfig cfg;
    private final NDManager manager;
    private final List<TrainableTensor> trainables;
    private final Map<String, Float> groupLearningRates;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private final DiffusionObjective objective;
    private final List<String> instancePrompts;
    /** Per-image prompts with the identifier resolved (empty: every image uses {@link #instancePrompts}). */
    private final List<String> instanceCaptions;
    private final String classPrompt;
    private final Map<Long, int[]> instanceOrder = new HashMap<>();
    private final Map<Long, int[]> classOrder = new HashMap<>();
    private LatentDistribution instanceLatents;
    private LatentDistribution classLatents;
    private PromptEmbeddings embeddings;
    private final List<Float> losses = new ArrayList<>();
    private LossRegularizer regularizer;
    private int step;

    /**
     * Prepares the tokenizer, attaches the method and builds the optimizer.
     *
     * @param parent owner of everything the trainer allocates (a sub-manager is used and closed by {@link #close})
     */
    public Trainer(TrainingModel model, FineTuningMethod method, TrainingConfig cfg, NDManager parent) {
        this.model = model;
        this.method = method;
        this.cfg = cfg;
        this.manager = parent.newSubManager();
        method.prepareTokenizer(model.tokenizer(), cfg);
        this.instancePrompts = List.copyOf(method.instancePrompts(cfg));
        if (instancePrompts.isEmpty()) {
            throw new IllegalStateException(method.id() + " produced no instance prompts");
        }
        this.instanceCaptions = cfg.instanceCaptions().stream().map(method::resolvePrompt).toList();
        this.classPrompt = method.classPrompt(cfg);
        method.attach(model, cfg, manager);
        this.trainables = List.copyOf(method.trainables());
        if (trainables.isEmpty()) {
            throw new IllegalStateException(method.id() + " has nothing to train");
        }
        this.groupLearningRates = new TreeMap<>();
        Map<String, AdamW.Group> groups = new LinkedHashMap<>();
        Map<String, Float> lrs = method.groupLearningRates(cfg);
        Map<String, Float> wds = method.groupWeightDecays(cfg);
        for (TrainableTensor t : trainables) {
            String g = t.group();
            float defaultLr = g.equals(TEXT_ENCODER_GROUP) ? cfg.textEncoderLearningRate() : cfg.learningRate();
            float lr = lrs.getOrDefault(g, defaultLr);
            groups.putIfAbsent(g, new AdamW.Group(lr, wds.getOrDefault(g, cfg.weightDecay())));
            groupLearningRates.put(g, lr);
        }
        this.optimizer = new AdamW(trainables, groups, cfg.adamBeta1(), cfg.adamBeta2(), cfg.adamEpsilon(),
                cfg.optimizerStatePrecision(), manager);
        this.schedule = new LearningRateSchedule(cfg.lrSchedule(), cfg.lrWarmupSteps(), cfg.maxSteps(),
                cfg.lrCosineCycles());
        this.objective = new DiffusionObjective(model.noiseSchedule(), cfg.predictionType(), cfg.priorLossWeight(),
                cfg.snrGamma());
    }

    public TrainingModel model() {
        return model;
    }

    public FineTuningMethod method() {
        return method;
    }

    public DiffusionObjective objective() {
        return objective;
    }

    /** Adds {@code r}'s term to every forward pass's loss from now on ({@code null} removes it). */
    public void regularize(LossRegularizer r) {
        this.regularizer = r;
    }

    /** Instance prompts with the method's identifier/placeholders resolved. */
    public List<String> instancePrompts() {
        return instancePrompts;
    }

    /** Steps completed so far. */
    public int step() {
        return step;
    }

    /** Learning rate per parameter group (before the schedule). */
    public Map<String, Float> groupLearningRates() {
        return Map.copyOf(groupLearningRates);
    }

    /**
     * Encodes instance (and, with prior preservation, class) images through the VAE once and caches the text
     * embeddings if the text encoder is frozen.
     *
     * @param instancePixels {@code [n, 3, H, W]} in [-1, 1]
     * @param classPixels    {@code [m, 3, H, W]} or {@code null}
     */
    public void useImages(NDArray instancePixels, NDArray classPixels) {
        useData(LatentDistribution.encode(model, instancePixels, manager),
                classPixels == null ? null : LatentDistribution.encode(model, classPixels, manager));
    }

    /** Uses already-encoded latent distributions (the trainer takes ownership). */
    public void useData(LatentDistribution instance, LatentDistribution classImages) {
        if (classImages != null && classPrompt == null) {
            throw new IllegalArgumentException("class images were given but no class prompt is configured");
        }
        if (classImages == null && classPrompt != null && cfg.withPriorPreservation()) {
            throw new IllegalArgumentException("prior preservation is configured (class prompt '" + classPrompt
                    + "') but no class images were given");
        }
        if (!instanceCaptions.isEmpty() && instanceCaptions.size() != instance.size()) {
            throw new IllegalArgumentException("instanceCaptions has " + instanceCaptions.size()
                    + " captions but there are " + instance.size() + " instance images: one caption per image");
        }
        this.instanceLatents = instance;
        this.classLatents = classImages;
        instance.mean().attach(manager);
        instance.std().attach(manager);
        if (classImages != null) {
            classImages.mean().attach(manager);
            classImages.std().attach(manager);
        }
        if (!method.trainsTextEncoder()) {
            List<String> prompts = new ArrayList<>(instanceCaptions.isEmpty() ? instancePrompts : instanceCaptions);
            if (classImages != null) {
                prompts.add(classPrompt);
            }
            embeddings = PromptEmbeddings.encode(model, prompts, manager);
        }
    }

    /** Continues from the latest checkpoint under the configured checkpoint folder, if there is one. */
    public Optional<TrainingCheckpoint> resumeFromLatest() throws IOException {
        Optional<Path> latest = TrainingCheckpoint.latest(cfg.checkpointDir());
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(resume(latest.get()));
    }

    /** Loads trainable state, optimizer state and step from {@code dir}. */
    public TrainingCheckpoint resume(Path dir) throws IOException {
        TrainingCheckpoint ckpt = TrainingCheckpoint.read(dir);
        if (!ckpt.method().equals(method.id())) {
            throw new IllegalArgumentException("checkpoint " + dir + " was written by method '" + ckpt.method()
                    + "', this run is '" + method.id() + "'");
        }
        if (ckpt.seed() != cfg.seed()) {
            throw new IllegalArgumentException("checkpoint " + dir + " has seed " + ckpt.seed()
                    + ", this run has seed " + cfg.seed() + ": resuming would not continue the same run");
        }
        try (NDManager scratch = manager.newSubManager()) {
            method.loadState(ckpt.loadTrainable(scratch));
            optimizer.loadState(ckpt.loadOptimizer(scratch));
        }
        step = ckpt.step();
        losses.clear();
        losses.addAll(ckpt.losses());
        return ckpt;
    }

    /** Runs until {@code maxSteps}, checkpointing and validating as configured. */
    public TrainingResult train(ProgressListener progress, ValidationHook validation) throws IOException {
        if (instanceLatents == null) {
            throw new IllegalStateException("no training data: call useImages or useData before train");
        }
        int first = step;
        long start = System.nanoTime();
        while (step < cfg.maxSteps()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("training interrupted at step " + step);
            }
            StepOutcome out = runStep();
            double elapsed = (System.nanoTime() - start) / 1e9;
            double rate = (step - first) / Math.max(elapsed, 1e-9);
            progress.onStep(new StepProgress(step, cfg.maxSteps(), out.loss(), out.learningRate(), out.gradNorm(),
                    rate, (cfg.maxSteps() - step) / Math.max(rate, 1e-9)));
            if (cfg.checkpointEvery() > 0 && step % cfg.checkpointEvery() == 0) {
                checkpoint(cfg.checkpointDir());
            }
            if (cfg.validationEvery() > 0 && step % cfg.validationEvery() == 0 && cfg.validationPrompt() != null) {
                try {
                    validation.validate(step, model, method.resolvePrompt(cfg.validationPrompt()));
                } catch (Exception e) {
                    throw new IllegalStateException("validation at step " + step + " failed: " + e.getMessage(), e);
                }
            }
        }
        double secondsPerStep = (System.nanoTime() - start) / 1e9 / Math.max(1, step - first);
        return new TrainingResult(first, step, List.copyOf(losses), secondsPerStep);
    }

    /**
     * Result of one optimizer step.
     *
     * @param regularizers value of each {@link LossRegularizer} term (weighted, averaged over micro-batches)
     */
    public record StepOutcome(float loss, float instanceLoss, float priorLoss, float gradNorm, float learningRate,
                              Map<String, Float> regularizers) {
    }

    /** One full optimizer step on sampled data (what {@link #train} repeats). */
    public StepOutcome runStep() {
        int accumulation = cfg.gradientAccumulation();
        StepOutcome out;
        try (NDScope ignored = new NDScope(); NDManager stepManager = manager.newSubManager()) {
            float loss = 0;
            float inst = 0;
            float prior = 0;
            Map<String, Float> extra = new LinkedHashMap<>();
            for (int micro = 0; micro < accumulation; micro++) {
                Sampled s = sample(step, micro, stepManager);
                LossValues lv = forwardBackward(s.batch(), s.prompts(), 1f / accumulation);
                loss += lv.total / accumulation;
                inst += lv.instance / accumulation;
                prior += lv.prior / accumulation;
                lv.regularizers.forEach((k, v) -> extra.merge(k, v / accumulation, Float::sum));
            }
            float lr = optimizer.learningRate(0, schedule.factor(optimizer.stepCount()));
            float norm = update(lr);
            out = new StepOutcome(loss, inst, prior, norm, lr, extra);
        }
        method.afterOptimizerStep();
        losses.add(out.loss());
        step++;
        return out;
    }

    /**
     * One optimizer step on an explicit batch (parity tests, benchmarks). {@code prompts} give the text of each row
     * when the text encoder trains; otherwise {@code batch} must carry encoder hidden states.
     */
    public StepOutcome step(TrainingBatch batch, List<String> prompts) {
        StepOutcome out;
        try (NDScope ignored = new NDScope()) {
            LossValues lv = forwardBackward(batch, prompts, 1f);
            float lr = optimizer.learningRate(0, schedule.factor(optimizer.stepCount()));
            float norm = update(lr);
            out = new StepOutcome(lv.total, lv.instance, lv.prior, norm, lr, lv.regularizers);
        }
        method.afterOptimizerStep();
        losses.add(out.loss());
        step++;
        return out;
    }

    private record LossValues(float total, float instance, float prior, Map<String, Float> regularizers) {
    }

    private LossValues forwardBackward(TrainingBatch batch, List<String> prompts, float scale) {
        if (regularizer != null) {
            regularizer.beforeForward(batch, prompts);
        }
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray ehs = batch.encoderHiddenStates();
            if (ehs == null) {
                ehs = model.textEncoderFn().encode(batch.inputIds());
            }
            LossTerms terms = objective.loss(model, batch, ehs);
            if (regularizer != null) {
                terms = regularizer.afterForward(terms, batch, prompts);
            }
            float value = terms.total().getFloat();
            if (!Float.isFinite(value)) {
                throw new NanLossException(step, value, "the loss", currentLearningRate());
            }
            if (scale == 1f) {
                collector.backward(terms.total());
            } else {
                // torch-allocated scalar (DJL's mul(Number) leaves autograd a Java buffer it closes at once)
                try (NDArray s = terms.total().getManager().full(new Shape(), scale, terms.total().getDataType())) {
                    collector.backward(terms.total().mul(s));
                }
            }
            return new LossValues(value, terms.instanceLoss(), terms.priorLoss(), terms.regularizers());
        } finally {
            if (regularizer != null) {
                regularizer.afterBackward();
            }
        }
    }

    private float currentLearningRate() {
        return optimizer.learningRate(0, schedule.factor(optimizer.stepCount()));
    }

    // clip + AdamW + zero gradients; returns the pre-clip global norm
    private float update(float lr) {
        List<NDArray> grads = new ArrayList<>(trainables.size());
        for (TrainableTensor t : trainables) {
            grads.add(t.array().getGradient());
        }
        try {
            float norm = cfg.maxGradNorm() > 0
                    ? GradientClipping.clipGlobalNorm(grads, cfg.maxGradNorm())
                    : GradientClipping.globalNorm(grads);
            if (!Float.isFinite(norm)) {
                throw new NanLossException(step, norm, "the gradient norm", lr);
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

    /** A sampled micro-batch and the prompt of each row. */
    private record Sampled(TrainingBatch batch, List<String> prompts) {
    }

    private Sampled sample(int stepIndex, int micro, NDManager m) {
        int b = cfg.batchSize();
        boolean prior = classLatents != null;
        int rows = prior ? 2 * b : b;
        SplittableRandom r = StepRandom.of(cfg.seed(), StepRandom.NOISE, stepIndex, micro);
        Shape latentShape = instanceLatents.latentShape();
        int perRow = (int) latentShape.size();
        List<String> prompts = new ArrayList<>(rows);
        List<NDArray> means = new ArrayList<>(rows);
        List<NDArray> stds = new ArrayList<>(rows);
        long firstSample = ((long) stepIndex * cfg.gradientAccumulation() + micro) * b;
        for (int j = 0; j < b; j++) {
            int idx = pick(instanceOrder, StepRandom.DATA_ORDER, instanceLatents.size(), firstSample + j);
            means.add(instanceLatents.mean().get(idx + ":" + (idx + 1)));
            stds.add(instanceLatents.std().get(idx + ":" + (idx + 1)));
            if (!instanceCaptions.isEmpty()) {
                prompts.add(instanceCaptions.get(idx));
            } else {
                prompts.add(instancePrompts.get(instancePrompts.size() == 1 ? 0
                        : r.nextInt(instancePrompts.size())));
            }
        }
        if (prior) {
            for (int j = 0; j < b; j++) {
                int idx = pick(classOrder, StepRandom.DATA_ORDER + 100, classLatents.size(), firstSample + j);
                means.add(classLatents.mean().get(idx + ":" + (idx + 1)));
                stds.add(classLatents.std().get(idx + ":" + (idx + 1)));
                prompts.add(classPrompt);
            }
        }
        Shape full = new Shape(rows).addAll(latentShape);
        NDArray eps = m.create(StepRandom.gaussian(r, rows * perRow), full);
        NDArray noise = m.create(StepRandom.gaussian(r, rows * perRow), full);
        if (cfg.offsetNoise() > 0) {
            // offset noise (Guttenberg 2023): a per-(sample, channel) constant added to the noise
            NDArray offset = m.create(StepRandom.gaussian(r, rows * (int) latentShape.get(0)),
                    new Shape(rows, latentShape.get(0), 1, 1));
            noise = noise.add(offset.mul(cfg.offsetNoise()));
        }
        long[] t = new long[rows];
        for (int i = 0; i < rows; i++) {
            t[i] = r.nextInt(model.noiseSchedule().numTrainTimesteps());
        }
        NDArray mean = NDArrays.concat(new NDList(means), 0);
        NDArray std = NDArrays.concat(new NDList(stds), 0);
        NDArray latents = mean.add(std.mul(eps)).muli(model.latentScalingFactor());
        latents.attach(m);
        NDArray timesteps = m.create(t);
        TrainingBatch batch;
        if (method.trainsTextEncoder()) {
            batch = new TrainingBatch(latents, noise, timesteps, null, PromptEmbeddings.inputIds(model, prompts, m), b);
        } else {
            List<NDArray> rowsEhs = new ArrayList<>(rows);
            for (String p : prompts) {
                rowsEhs.add(embeddings.get(p));
            }
            NDArray ehs = rows == 1 ? rowsEhs.get(0) : NDArrays.concat(new NDList(rowsEhs), 0);
            batch = new TrainingBatch(latents, noise, timesteps, ehs, null, b);
        }
        return new Sampled(batch, prompts);
    }

    /** The prompts of step {@code stepIndex}'s first micro-batch, instance rows first (for tests). */
    List<String> promptsOfStep(int stepIndex) {
        try (NDManager scratch = manager.newSubManager()) {
            return sample(stepIndex, 0, scratch).prompts();
        }
    }

    /** The instance image of the run's {@code k}-th instance sample (for tests). */
    int instanceImageOfSample(long k) {
        return pick(instanceOrder, StepRandom.DATA_ORDER, instanceLatents.size(), k);
    }

    // data order: sample k of the run is image perm_e[k mod n] with a fresh permutation per epoch e
    private int pick(Map<Long, int[]> cache, long purpose, int n, long k) {
        long epoch = k / n;
        int[] perm = cache.computeIfAbsent(epoch, e -> StepRandom.permutation(StepRandom.of(cfg.seed(), purpose, e, 0),
                n));
        if (cache.size() > 4) {
            cache.keySet().removeIf(e -> e < epoch - 1);
        }
        return perm[(int) (k % n)];
    }

    /** Writes a checkpoint of the current state under {@code root}. */
    public Path checkpoint(Path root) throws IOException {
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> optState = optimizer.state(scratch);
            return TrainingCheckpoint.write(root, step, cfg.seed(), method.id(), method.state(), optState, losses,
                    cfg.toString());
        }
    }

    /** Provenance for this run's artifact. */
    public ArtifactMetadata provenance() {
        return new ArtifactMetadata(method.id(), model.baseModel(), model.baseModelDigest(), instancePrompts.get(0),
                classLatents == null ? null : classPrompt, step, groupLearningRates, cfg.seed(),
                ArtifactMetadata.currentLibraryVersion(), Map.of());
    }

    /** Writes the method's artifact into {@code dir}. */
    public void writeArtifact(Path dir) throws IOException {
        method.writeArtifact(dir, provenance());
    }

    /** Detaches the method (base model restored) and frees the trainer's arrays. */
    @Override
    public void close() {
        try {
            method.detach();
        } finally {
            optimizer.close();
            if (embeddings != null) {
                embeddings.close();
            }
            manager.close();
        }
    }
}
