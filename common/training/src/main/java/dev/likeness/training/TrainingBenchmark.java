package dev.likeness.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.training.data.LatentDistribution;
import dev.likeness.training.linalg.FolderSpectralStore;
import dev.likeness.training.linalg.SpectralCache;
import dev.likeness.training.linalg.ThinSvd;
import dev.likeness.training.loop.Trainer;
import dev.likeness.training.method.svdiff.SvdiffMethod;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures training-step cost per method: wall time per optimizer step after warm-up and the process's peak
 * resident memory, on a model folder or an in-memory model ({@link Sd15Shapes#randomModel}). Uses random latents (no
 * VAE pass), so it isolates the step itself. The method's attach (for SVDiff: the SVD of the base, or loading it from
 * the cache) is timed separately from the steps. Called by the CLI's {@code bench} command.
 */
public final class TrainingBenchmark {

    /**
     * What to run.
     *
     * @param resolution       pixel resolution (latents are resolution / 8)
     * @param initializerToken Textual Inversion's initializer word (a single token of the model's tokenizer)
     * @param svdCacheDir      SVDiff's SVD cache folder ({@code null}: the method's default)
     * @param statePrecision   AdamW moment precision
     */
    public record Settings(String methodId, int resolution, int batchSize, int warmup, int steps,
                           String initializerToken, Path svdCacheDir, TrainingConfig.StatePrecision statePrecision) {

        public Settings {
            if (resolution % 8 != 0 || resolution <= 0) {
                throw new IllegalArgumentException("resolution must be a positive multiple of 8, got " + resolution);
            }
            if (batchSize < 1 || warmup < 0 || steps < 1) {
                throw new IllegalArgumentException("need batch >= 1, warmup >= 0, steps >= 1; got batch " + batchSize
                        + ", warmup " + warmup + ", steps " + steps);
            }
        }

        public static Settings of(String methodId, int resolution, int batchSize, int warmup, int steps) {
            return new Settings(methodId, resolution, batchSize, warmup, steps, "dog", null,
                    TrainingConfig.StatePrecision.FLOAT32);
        }

        public Settings withInitializerToken(String token) {
            return new Settings(methodId, resolution, batchSize, warmup, steps, token, svdCacheDir, statePrecision);
        }

        public Settings withSvdCacheDir(Path dir) {
            return new Settings(methodId, resolution, batchSize, warmup, steps, initializerToken, dir, statePrecision);
        }

        public Settings withStatePrecision(TrainingConfig.StatePrecision p) {
            return new Settings(methodId, resolution, batchSize, warmup, steps, initializerToken, svdCacheDir, p);
        }
    }

    /**
     * @param msPerStep        mean milliseconds per optimizer step (after warm-up)
     * @param minMsPerStep     fastest timed step
     * @param cpuMsPerStep     CPU time of the calling thread per step (with one intra-op thread PyTorch computes on
     *                         it: on a busy shared machine the figure an idle machine's wall time approaches)
     * @param peakRssMb        peak resident set size of the process after the method's steps (VmHWM), MiB
     * @param trainableParams  number of trained scalars
     * @param attachSeconds    building the trainer: method attach (SVDiff: SVD or cache load) + optimizer state
     * @param attachPeakRssMb  VmHWM right after attach, MiB
     * @param svdComputed      SVDiff: matrices decomposed during attach (0 = all from the cache); -1 otherwise
     * @param recomposeMs      SVDiff: recomposing every wrapped weight once, no autograd (what each forward adds),
     *                         calling-thread CPU ms; NaN otherwise
     * @param plainMs          plain UNet forward + MSE + backward, if asked: wall ms; NaN otherwise
     * @param plainCpuMs       the same, calling-thread CPU ms (ratios use CPU times: robust on a shared machine)
     */
    public record Result(String method, int resolution, int batchSize, int steps, double msPerStep,
                         double minMsPerStep, double cpuMsPerStep, long peakRssMb, long trainableParams, double attachSeconds,
                         long attachPeakRssMb, int svdComputed, double recomposeMs, double plainMs,
                         double plainCpuMs) {

        /** This result with a plain forward+backward baseline. */
        public Result withPlain(Timing plain) {
            return new Result(method, resolution, batchSize, steps, msPerStep, minMsPerStep, cpuMsPerStep, peakRssMb,
                    trainableParams, attachSeconds, attachPeakRssMb, svdComputed, recomposeMs, plain.wallMs(),
                    plain.cpuMs());
        }

        /** step ÷ plain forward+backward, CPU times (NaN without the baseline). */
        public double stepToPlain() {
            return cpuMsPerStep / plainCpuMs;
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                    "%-18s %4d px  batch %d  %10.1f ms/step (min %.1f, cpu %.1f, %d timed)  peak RSS %6d MiB"
                            + "  %,d trainable  attach %.1f s (peak %d MiB)", method, resolution, batchSize, msPerStep,
                    minMsPerStep, cpuMsPerStep, steps, peakRssMb, trainableParams, attachSeconds, attachPeakRssMb));
            if (svdComputed >= 0) {
                s.append(String.format(Locale.ROOT, "  SVD: %s", svdComputed == 0 ? "all factors from the cache"
                        : svdComputed + " matrices decomposed"));
            }
            if (!Double.isNaN(recomposeMs)) {
                s.append(String.format(Locale.ROOT, "  recomposition %.1f ms/forward", recomposeMs));
            }
            if (!Double.isNaN(plainMs)) {
                s.append(String.format(Locale.ROOT, "  plain fwd+bwd %.1f ms (cpu %.1f; step/plain %.2f", plainMs,
                        plainCpuMs, stepToPlain()));
                if (!Double.isNaN(recomposeMs)) {
                    s.append(String.format(Locale.ROOT, ", recomposition/plain %.3f", recomposeMs / plainCpuMs));
                }
                s.append(')');
            }
            return s.toString();
        }
    }

    private TrainingBenchmark() {
    }

    /**
     * Runs {@code warmup + steps} optimizer steps of {@code methodId} with prior preservation off.
     *
     * @param resolution pixel resolution (latents are resolution / VAE factor)
     */
    public static Result measure(Path modelDir, String methodId, int resolution, int batchSize, int warmup, int steps)
            throws IOException {
        return measure(modelDir, methodId, resolution, batchSize, warmup, steps, "dog");
    }

    /**
     * As {@link #measure(Path, String, int, int, int, int)} with another Textual Inversion initializer word (it must
     * be a single token of the folder's tokenizer; the random tiny tokenizer has no "dog").
     */
    public static Result measure(Path modelDir, String methodId, int resolution, int batchSize, int warmup, int steps,
                                 String initializerToken) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainingModel model = TrainingModels.load(modelDir, manager);
            return measure(model, Settings.of(methodId, resolution, batchSize, warmup, steps)
                    .withInitializerToken(initializerToken), manager);
        }
    }

    /** Measures on an already built model (left frozen and unmodified, except DreamBooth's in-place update). */
    public static Result measure(TrainingModel model, Settings s, NDManager manager) throws IOException {
        TrainingConfig cfg = TrainingConfig.builder(s.methodId()).instancePrompt("a photo of {id} dog")
                .initializerToken(s.initializerToken()).classNoun("dog").resolution(s.resolution())
                .batchSize(s.batchSize()).maxSteps(s.warmup() + s.steps())
                .optimizerStatePrecision(s.statePrecision()).build();
        SpectralCache cache = null;
        FineTuningMethod method;
        if (s.methodId().equals(SvdiffMethod.ID)) {
            cache = new SpectralCache(new FolderSpectralStore(s.svdCacheDir() != null ? s.svdCacheDir()
                    : SvdiffMethod.defaultCacheDir()));
            method = new SvdiffMethod(cache);
        } else {
            method = Methods.byId(s.methodId());
        }
        int side = s.resolution() / vaeDownscale(model);
        Result result;
        long attachStart = System.nanoTime();
        try (Trainer trainer = new Trainer(model, method, cfg, manager)) {
            double attachSeconds = (System.nanoTime() - attachStart) / 1e9;
            long attachPeak = peakRssMb();
            NDManager dataManager = manager.newSubManager();
            NDArray mean = dataManager.randomNormal(0, 1, new Shape(2, 4, side, side), DataType.FLOAT32);
            NDArray std = dataManager.full(new Shape(2, 4, side, side), 0.01f);
            trainer.useData(new LatentDistribution(mean, std), null);
            for (int i = 0; i < s.warmup(); i++) {
                trainer.runStep();
            }
            double total = 0;
            double min = Double.MAX_VALUE;
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            long cpuStart = cpu.getCurrentThreadCpuTime();
            for (int i = 0; i < s.steps(); i++) {
                long start = System.nanoTime();
                trainer.runStep();
                double ms = (System.nanoTime() - start) / 1e6;
                total += ms;
                min = Math.min(min, ms);
            }
            double cpuMs = (cpu.getCurrentThreadCpuTime() - cpuStart) / 1e6 / s.steps();
            long params = trainer.method().trainables().stream().mapToLong(t -> t.array().size()).sum();
            double recomposeMs = Double.NaN;
            if (trainer.method() instanceof SvdiffMethod svdiff) {
                long c = cpu.getCurrentThreadCpuTime();
                svdiff.recompositionSeconds(1);
                recomposeMs = (cpu.getCurrentThreadCpuTime() - c) / 1e6;
            }
            result = new Result(s.methodId(), s.resolution(), s.batchSize(), s.steps(), total / s.steps(), min, cpuMs,
                    peakRssMb(), params, attachSeconds, attachPeak, cache == null ? -1 : cache.lastComputed(),
                    recomposeMs, Double.NaN, Double.NaN);
        }
        return result;
    }

    /**
     * A plain UNet forward + MSE + backward at the settings' batch and resolution ({@link #plainForwardBackward}),
     * after {@link #measure}: the denominator of {@link Result#stepToPlain()}. Needs memory for a gradient of every
     * UNet weight.
     */
    public static Timing plainBaseline(TrainingModel model, Settings s, NDManager manager) {
        return plainForwardBackward(model.unet(), model.denoiser(), s.batchSize(), s.resolution() / vaeDownscale(model),
                crossAttentionDim(model), Math.min(1, s.warmup()), s.steps(), manager);
    }

    /** Mean wall and calling-thread CPU milliseconds. */
    public record Timing(double wallMs, double cpuMs) {
    }

    /**
     * Mean time of a plain UNet forward + MSE + backward with every UNet weight trainable and no optimizer (the
     * work any fine-tuning step does at least), on random latents {@code [batch, 4, side, side]} and random encoder
     * states {@code [batch, 77, crossDim]}. Gradients are zeroed and the UNet frozen again afterwards.
     */
    public static Timing plainForwardBackward(Module unet, TrainingModel.Denoiser denoiser, int batch, int side,
                                                int crossDim, int warmup, int steps, NDManager manager) {
        List<Parameter> params = new ArrayList<>(unet.namedParameters().values());
        unet.setTrainable(true);
        try (NDManager m = manager.newSubManager()) {
            NDArray latents = m.randomNormal(new Shape(batch, 4, side, side));
            NDArray target = m.randomNormal(new Shape(batch, 4, side, side));
            NDArray text = m.randomNormal(new Shape(batch, 77, crossDim));
            long[] t = new long[batch];
            java.util.Arrays.fill(t, 500);
            NDArray timesteps = m.create(t);
            double total = 0;
            double cpuTotal = 0;
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            for (int i = -warmup; i < steps; i++) {
                long start = System.nanoTime();
                long cpuStart = cpu.getCurrentThreadCpuTime();
                try (NDScope ignored = new NDScope();
                     GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray pred = denoiser.predict(latents, timesteps, text);
                    gc.backward(pred.sub(target).square().mean());
                }
                if (i >= 0) {
                    total += (System.nanoTime() - start) / 1e6;
                    cpuTotal += (cpu.getCurrentThreadCpuTime() - cpuStart) / 1e6;
                }
                for (Parameter p : params) {
                    JniUtils.zeroGrad((PtNDArray) p.array());
                }
            }
            return new Timing(total / steps, cpuTotal / steps);
        } finally {
            unet.setTrainable(false);
        }
    }

    /**
     * SVDiff's one-off SVD of a module, computed into the cache in chunks of about {@code chunkValues} factor
     * values, so that at most one chunk's factors are on the Java heap at once (the cache otherwise holds every
     * factor of the module on the heap and natively before it writes them: ~2 × 4.5 GB for SD 1.5's UNet). The cache
     * key is the digest {@link SvdiffMethod} uses, so a later attach finds every factor.
     *
     * @return seconds spent (digest + decompositions + writes)
     */
    public static double precomputeSvd(Module module, Path cacheDir, long chunkValues, NDManager manager)
            throws IOException {
        long start = System.nanoTime();
        SpectralCache cache = new SpectralCache(new FolderSpectralStore(cacheDir));
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> matrices = matrixViews(module, scratch);
            String digest = SpectralCache.sha256(matrices);
            Map<String, NDArray> chunk = new LinkedHashMap<>();
            long values = 0;
            for (Map.Entry<String, NDArray> e : matrices.entrySet()) {
                chunk.put(e.getKey(), e.getValue());
                values += factorValues(e.getValue().getShape());
                if (values >= chunkValues) {
                    decompose(cache, digest, chunk, scratch);
                    chunk.clear();
                    values = 0;
                }
            }
            if (!chunk.isEmpty()) {
                decompose(cache, digest, chunk, scratch);
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * One SVD per distinct matrix shape of {@code module} (SVDiff's targets), on seeded random data, with the same
     * decomposition the cache uses ({@link ThinSvd}); calling-thread CPU seconds per shape times the number of
     * matrices of that shape estimate the one-off SVD's single-thread CPU cost without decomposing every weight.
     *
     * @return shape {@code "m x n"} → (count, CPU seconds of one decomposition), in first-seen order
     */
    public static Map<String, double[]> estimateSvd(Module module) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            Shape shape = e.getValue().shape();
            if (SvdiffMethod.isTarget(e.getKey(), shape) && shape.dimension() >= 2) {
                long m = shape.get(0);
                long n = shape.size() / m;
                shapes.computeIfAbsent(m + " x " + n, k -> new long[] {m, n, 0})[2]++;
            }
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Map<String, double[]> out = new LinkedHashMap<>();
        java.util.SplittableRandom random = new java.util.SplittableRandom(0);
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            int m = (int) e.getValue()[0];
            int n = (int) e.getValue()[1];
            float[] w = new float[m * n];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (random.nextDouble() * 2 - 1);
            }
            long start = cpu.getCurrentThreadCpuTime();
            ThinSvd.of(w, m, n);
            out.put(e.getKey(), new double[] {e.getValue()[2], (cpu.getCurrentThreadCpuTime() - start) / 1e9});
        }
        return out;
    }

    private static void decompose(SpectralCache cache, String digest, Map<String, NDArray> chunk, NDManager parent)
            throws IOException {
        try (NDManager out = parent.newSubManager()) {
            cache.factors(digest, chunk, out);
        }
    }

    /** Float32 values of the thin SVD factors of one {@code [m, n]} matrix: {@code U [m, k] + S [k] + Vh [k, n]}. */
    public static long factorValues(Shape matrix) {
        long m = matrix.get(0);
        long n = matrix.size() / m;
        long k = Math.min(m, n);
        return m * k + k + k * n;
    }

    /**
     * Float32 values SVDiff keeps per {@code [m, n]} matrix while training: the smaller factor {@code [k, k]}, σ and
     * 1/σ (k = min(m, n); plus two factor rows per tiny singular value, which trained weights do not have).
     */
    public static long residentFactorValues(Shape matrix) {
        long m = matrix.get(0);
        long k = Math.min(m, matrix.size() / m);
        return k * k + 2 * k;
    }

    /** {@link #residentFactorValues(Shape)} summed over every matrix weight SVDiff wraps in {@code module}. */
    public static long residentFactorValues(Module module) {
        return sumOverWrappedMatrices(module, TrainingBenchmark::residentFactorValues);
    }

    /** Float32 values of the SVD factors of every matrix weight SVDiff wraps in {@code module}. */
    public static long factorValues(Module module) {
        return sumOverWrappedMatrices(module, TrainingBenchmark::factorValues);
    }

    private static long sumOverWrappedMatrices(Module module, java.util.function.ToLongFunction<Shape> perMatrix) {
        long total = 0;
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            Shape shape = e.getValue().shape();
            if (SvdiffMethod.isTarget(e.getKey(), shape) && shape.dimension() >= 2) {
                total += perMatrix.applyAsLong(shape);
            }
        }
        return total;
    }

    // the [m, n] views SvdiffMethod decomposes, in its order (its digest is the cache key)
    private static Map<String, NDArray> matrixViews(Module module, NDManager scratch) {
        Map<String, NDArray> matrices = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            if (SvdiffMethod.isTarget(e.getKey(), p.shape()) && p.shape().dimension() >= 2) {
                if (p.array() == null) {
                    throw new IllegalStateException("weight '" + e.getKey() + "' is not loaded");
                }
                long m = p.shape().get(0);
                NDArray view = p.array().reshape(m, p.shape().size() / m);
                view.attach(scratch); // reshape lands in the model's manager
                matrices.put(e.getKey(), view);
            }
        }
        return matrices;
    }

    private static int crossAttentionDim(TrainingModel model) {
        if (model.unet() instanceof dev.likeness.engine.model.unet.UNet2DConditionModel unet) {
            return unet.config().crossAttentionDim().get(0);
        }
        throw new IllegalArgumentException("plain baseline needs a UNet2DConditionModel, got "
                + model.unet().getClass().getSimpleName());
    }

    private static int vaeDownscale(TrainingModel model) {
        if (model.vae() instanceof dev.likeness.engine.model.vae.AutoencoderKL vae) {
            return vae.config().downscaleFactor();
        }
        return 8;
    }

    /** Peak resident memory of this process in MiB (Linux VmHWM; 0 elsewhere). */
    public static long peakRssMb() {
        return procStatusMb("VmHWM:");
    }

    /** Current resident memory of this process in MiB (Linux VmRSS; 0 elsewhere). */
    public static long rssMb() {
        return procStatusMb("VmRSS:");
    }

    private static long procStatusMb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
