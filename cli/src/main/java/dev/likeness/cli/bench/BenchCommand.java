package dev.likeness.cli.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.likeness.engine.device.Devices;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.model.JsonConfig;
import dev.likeness.engine.model.unet.UNet2DConditionModel;
import dev.likeness.engine.model.unet.UNetConfig;
import dev.likeness.engine.nn.FusedAttention;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.engine.pipeline.GenerationRequest;
import dev.likeness.engine.pipeline.TextToImagePipeline;
import dev.likeness.engine.random.RandomInit;
import dev.likeness.engine.random.TinyModelGenerator;
import dev.likeness.engine.model.clip.ClipTextConfig;
import dev.likeness.training.Sd15Shapes;
import dev.likeness.training.TrainingBenchmark;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.TrainingModels;
import dev.likeness.training.method.svdiff.SvdiffMethod;
import dev.likeness.metrics.bench.EncoderBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code likeness bench}: times the UNet (forward, forward+backward, a full AdamW training step), the tiny 20-step
 * pipeline and the VAE decoder on randomly initialised models, and prints each median beside the diffusers/PyTorch
 * reference figure.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark UNet/VAE/pipeline on random weights against the diffusers reference timings.")
public final class BenchCommand implements Callable<Integer> {

    /** UNet configs by name; mid is the like-for-like config of the reference timings. */
    static final String MID_UNET = """
            {"block_out_channels": [128, 256, 512], "layers_per_block": 2, "sample_size": 32, "in_channels": 4,
             "out_channels": 4, "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
             "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"], "cross_attention_dim": 256,
             "attention_head_dim": 8, "norm_num_groups": 32}""";
    @Option(names = "--config", defaultValue = "tiny", description = "tiny, mid or sd15-shapes (default: ${DEFAULT-VALUE})")
    String config;

    @Option(names = "--threads", description = "PyTorch intra-op threads (must be set before the engine starts)")
    Integer threads;

    @Option(names = "--iterations", defaultValue = "5", description = "timed iterations per workload (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--warmup", defaultValue = "2", description = "untimed warm-up iterations (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--latent-size", defaultValue = "32", description = "latent height/width for UNet workloads (default: ${DEFAULT-VALUE})")
    int latentSize;

    @Option(names = "--skip-training", description = "time forward passes only")
    boolean skipTraining;

    @Option(names = "--methods", split = ",", defaultValue = "dreambooth,textual-inversion,svdiff,lora",
            description = "fine-tuning methods whose training step is timed: on the tiny model folder (tiny), on an "
                    + "in-memory random model of the config (mid, sd15-shapes); 'none' to skip; default: "
                    + "${DEFAULT-VALUE}. Peak RSS is per process: time one method per JVM (cli/bench-sd15.sh)")
    List<String> methods;

    @Option(names = "--method-steps", defaultValue = "5", description = "timed training steps per method (default: ${DEFAULT-VALUE})")
    int methodSteps;

    @Option(names = "--method-warmup", description = "untimed training steps per method (default: --warmup)")
    Integer methodWarmup;

    @Option(names = "--method-resolution", description = "training resolution in pixels (default: 64 tiny and mid = 32x32 latents, 512 sd15-shapes = 64x64)")
    Integer methodResolution;

    @Option(names = "--method-batch", description = "training batch size (default: 2 tiny, 1 mid and sd15-shapes)")
    Integer methodBatch;

    @Option(names = "--methods-only", description = "skip the UNet/pipeline workloads, time only the method steps")
    boolean methodsOnly;

    @Option(names = "--plain", description = "after each method, also time a plain UNet forward+MSE+backward "
            + "(all weights trainable, no optimizer) and print step/plain (for SVDiff also recomposition/plain)")
    boolean plainBaseline;

    @Option(names = "--optimizer-state", defaultValue = "FLOAT32",
            description = "AdamW moment precision: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); FLOAT16 halves "
                    + "DreamBooth's optimizer state, INT8_BLOCKWISE quarters it")
    TrainingConfig.StatePrecision optimizerState;

    @Option(names = "--svd-cache", paramLabel = "DIR", description = "SVDiff's SVD cache folder (default: $LIKENESS_SVD_CACHE or ~/.cache/likeness/svd)")
    Path svdCache;

    @Option(names = "--svd-only", description = "compute SVDiff's one-off SVD of the config's UNet into --svd-cache "
            + "(chunked, timed) and exit; a following svdiff run then loads it from the cache")
    boolean svdOnly;

    @Option(names = "--clip", paramLabel = "DIR",
            description = "also time the evaluator's CLIP image encoder (a Hugging Face CLIPModel folder); needs --dino")
    Path clipFolder;

    @Option(names = "--dino", paramLabel = "DIR",
            description = "also time the evaluator's DINO encoder (a Hugging Face ViTModel folder); needs --clip")
    Path dinoFolder;

    @Option(names = "--svd-estimate", description = "estimate SVDiff's one-off SVD of the config's UNet from one "
            + "decomposition per distinct matrix shape (CPU seconds x count) and exit")
    boolean svdEstimate;

    private PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        if (threads != null) {
            // Read by the PyTorch engine when it starts; has no effect if DJL is already running in this JVM.
            System.setProperty("ai.djl.pytorch.num_threads", threads.toString());
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        if (!List.of("tiny", "mid", "sd15-shapes").contains(config)) {
            throw new IllegalArgumentException("unknown --config '" + config + "' (tiny, mid, sd15-shapes)");
        }
        out.printf("likeness bench --config %s: %s, intra-op threads %s, medians of %d after %d warm-up%n", config,
                Devices.describe(Devices.preferred()), System.getProperty("ai.djl.pytorch.num_threads", "default"),
                iterations, warmup);
        out.printf("attention: %s; OMP_WAIT_POLICY=%s; MALLOC_ARENA_MAX=%s MALLOC_MMAP_THRESHOLD_=%s "
                        + "MALLOC_TRIM_THRESHOLD_=%s; load average %s%n",
                FusedAttention.available() ? "fused (libtorch scaled_dot_product_attention)" : "composed (matmul/softmax)",
                env("OMP_WAIT_POLICY"), env("MALLOC_ARENA_MAX"), env("MALLOC_MMAP_THRESHOLD_"),
                env("MALLOC_TRIM_THRESHOLD_"), loadAverage());
        if (svdOnly) {
            precomputeSvd();
            return 0;
        }
        if (svdEstimate) {
            estimateSvd();
            return 0;
        }
        if (!methodsOnly) {
            out.printf("%-58s %9s %9s %9s %9s %7s%n", "workload", "wall ms", "min ms", "cpu ms", "reference", "ratio");
            try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
                UNet2DConditionModel unet = new UNet2DConditionModel(unetConfig());
                RandomInit.initialize(unet, 0, manager);
                String label = config + " UNet (" + String.format("%.2f", unet.parameterCount() / 1e6)
                        + " M params), batch 2";
                benchUnet(unet, label, manager);
                if (config.equals("tiny")) {
                    benchTinyPipeline(manager);
                }
            }
        }
        if (!config.equals("tiny")) {
            benchMethodsInMemory();
        } else if (methodsOnly) {
            Path dir = Files.createTempDirectory("likeness-bench");
            try {
                TinyModelGenerator.write(dir, TinyModelGenerator.tinySd(), 0);
                benchMethods(dir);
            } finally {
                deleteTree(dir);
            }
        }
        if ((clipFolder == null) != (dinoFolder == null)) {
            throw new IllegalArgumentException("--clip and --dino go together (the evaluator embeds with both)");
        }
        if (clipFolder != null) {
            // the evaluator's cost per image: preprocessing (Pillow-exact resize of a 512x512 image) + network
            out.println("evaluator encoders, ms per image (batch 8, 512x512 inputs):");
            out.println(EncoderBenchmark.run(clipFolder, dinoFolder).describe());
        }
        return 0;
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "unset" : v;
    }

    private void benchUnet(UNet2DConditionModel unet, String label, NDManager manager) {
        int crossDim = unet.config().crossAttentionDim().get(0);
        Shape latentShape = new Shape(2, unet.config().inChannels(), latentSize, latentSize);
        Engine.getInstance().setRandomSeed(0);
        NDArray sample = manager.randomNormal(latentShape);
        NDArray timesteps = manager.create(new long[] {10, 500});
        NDArray text = manager.randomNormal(new Shape(2, 77, crossDim));
        NDArray target = manager.randomNormal(latentShape);
        boolean tiny = config.equals("tiny");
        unet.setTrainable(false);
        report(label + ", forward", tiny ? ReferenceTimings.TINY_UNET_FORWARD : config.equals("mid")
                ? ReferenceTimings.MID_UNET_FORWARD : null, () -> unet.forward(sample, timesteps, text));
        if (skipTraining) {
            return;
        }
        unet.setTrainable(true);
        List<Parameter> params = new ArrayList<>(unet.namedParameters().values());
        if (tiny) {
            report(label + ", fwd+MSE+bwd", ReferenceTimings.TINY_UNET_FORWARD_BACKWARD,
                    () -> backward(unet, sample, timesteps, text, target, params));
        }
        try (AdamWUpdate adam = new AdamWUpdate(params, manager)) {
            report(label + ", fwd+bwd+clip+AdamW", tiny ? ReferenceTimings.TINY_UNET_TRAIN_STEP
                    : config.equals("mid") ? ReferenceTimings.MID_UNET_TRAIN_STEP : null, () -> {
                backward(unet, sample, timesteps, text, target, params);
                adam.step();
            });
        }
        unet.setTrainable(false);
    }

    private static void backward(UNet2DConditionModel unet, NDArray sample, NDArray t, NDArray text, NDArray target,
                                 List<Parameter> params) {
        for (Parameter p : params) {
            JniUtils.zeroGrad((PtNDArray) p.array());
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray pred = unet.forward(sample, t, text);
            NDArray loss = pred.sub(target).square().mean();
            gc.backward(loss);
        }
    }

    private void benchTinyPipeline(NDManager manager) throws IOException {
        Path dir = Files.createTempDirectory("likeness-bench");
        try {
            TinyModelGenerator.write(dir, TinyModelGenerator.tinySd(), 0);
            try (StableDiffusionModel sd = StableDiffusionModel.load(dir, manager.newSubManager())) {
                TextToImagePipeline pipeline = new TextToImagePipeline(sd);
                GenerationRequest request = GenerationRequest.builder("a photo of sks dog").seed(0L).steps(20)
                        .guidanceScale(7.5f).size(64, 64).build();
                report("tiny pipeline, 20-step DDIM 64x64, CFG (UNet batch 2)", ReferenceTimings.TINY_PIPELINE_20_STEPS,
                        () -> pipeline.generate(request, manager).close());
                NDArray z = manager.randomNormal(new Shape(1, 4, 32, 32));
                report("tiny VAE decode 1x4x32x32 -> 64x64", ReferenceTimings.TINY_VAE_DECODE, () -> sd.vae().decode(z));
            }
            benchMethods(dir);
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * One training step per fine-tuning method through the shared trainer ({@link TrainingBenchmark}): random
     * latents (no VAE pass), 64 px images = 32x32 latents on the tiny VAE, batch 2, prior preservation off. Mean wall
     * time per step; the reference has no per-method figure.
     */
    private void benchMethods(Path tinyFolder) throws IOException {
        if (skipTraining || methods.isEmpty() || methods.contains("none")) {
            return;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainingModel model = TrainingModels.load(tinyFolder, manager);
            // "the": a single token of the random tiny tokenizer (Textual Inversion's initializer must be one)
            runMethods(model, 64, 2, manager);
        }
    }

    /**
     * The method steps on an in-memory random model of the config: {@link Sd15Shapes} (UNet 859.5 M, CLIP ViT-L text
     * encoder 123.1 M, 512 px = 64x64 latents) or the mid UNet with a small text encoder and the tiny VAE (64 px =
     * 32x32 latents), batch 1.
     */
    private void benchMethodsInMemory() throws IOException {
        if (skipTraining || methods.isEmpty() || methods.contains("none")) {
            return;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            long start = System.nanoTime();
            TrainingModel model = config.equals("sd15-shapes") ? Sd15Shapes.randomModel(0, manager)
                    : midModel(manager);
            out.printf("built %s with random weights in %.1f s: UNet %,d + text encoder %,d parameters; RSS %d MiB%n",
                    config, (System.nanoTime() - start) / 1e9, model.unet().parameterCount(),
                    model.textEncoder().parameterCount(), TrainingBenchmark.rssMb());
            // mid goes through the tiny VAE (downscale 2): 64 px = 32x32 latents, the reference's mid sample size
            runMethods(model, config.equals("sd15-shapes") ? 512 : 64, 1, manager);
        }
    }

    private void runMethods(TrainingModel model, int defaultResolution, int defaultBatch, NDManager manager)
            throws IOException {
        int resolution = methodResolution != null ? methodResolution : defaultResolution;
        int batch = methodBatch != null ? methodBatch : defaultBatch;
        int wu = methodWarmup != null ? methodWarmup : warmup;
        for (String method : methods) {
            TrainingBenchmark.Settings s = TrainingBenchmark.Settings.of(method, resolution, batch, wu, methodSteps)
                    .withInitializerToken("the").withSvdCacheDir(svdCache)
                    .withStatePrecision(optimizerState);
            String name = config + " training step, " + method + " (mean of " + methodSteps + ")";
            if (optimizerState != TrainingConfig.StatePrecision.FLOAT32) {
                out.println("AdamW state: " + optimizerState);
            }
            try {
                TrainingBenchmark.Result r = TrainingBenchmark.measure(model, s, manager);
                if (config.equals("tiny") && !plainBaseline) {
                    out.printf("%-58s %9.1f %9s %9s %9s %7s%n", name, r.msPerStep(), "-", "-", "-", "-");
                    continue;
                }
                out.println(r);
                if (plainBaseline) {
                    // printed separately: the baseline needs a gradient of every UNet weight (more memory)
                    out.println(r.withPlain(TrainingBenchmark.plainBaseline(model, s, manager)));
                }
            } catch (IllegalArgumentException e) {
                out.printf("%-58s skipped: %s%n", name, e.getMessage());
            }
        }
    }

    private UNetConfig unetConfig() {
        return switch (config) {
            case "tiny" -> TinyModelGenerator.tinySd().unet();
            case "mid" -> UNetConfig.from(JsonConfig.of(MID_UNET));
            default -> Sd15Shapes.unet();
        };
    }

    /** The mid UNet with a 4-layer, 256-wide CLIP text encoder over the bundled 1000-token tokenizer. */
    private static TrainingModel midModel(NDManager manager) throws IOException {
        Path dir = Files.createTempDirectory("likeness-bench-mid");
        try {
            TinyModelGenerator.Spec tiny = TinyModelGenerator.tinySd();
            ClipTextConfig text = ClipTextConfig.from(JsonConfig.of("""
                    {"bos_token_id": 0, "eos_token_id": 2, "hidden_size": 256, "intermediate_size": 1024,
                     "num_attention_heads": 4, "num_hidden_layers": 4, "pad_token_id": 1, "vocab_size": 1000,
                     "hidden_act": "quick_gelu", "max_position_embeddings": 77}"""));
            TinyModelGenerator.write(dir, new TinyModelGenerator.Spec(UNetConfig.from(JsonConfig.of(MID_UNET)),
                    tiny.vae(), text), 0);
            return TrainingModels.load(dir, manager);
        } finally {
            deleteTree(dir);
        }
    }

    /** SVDiff's one-off SVD of the config's UNet into the cache, timed apart from any training step. */
    private void precomputeSvd() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            long start = System.nanoTime();
            UNet2DConditionModel unet = new UNet2DConditionModel(unetConfig());
            RandomInit.initialize(unet, 0, manager);
            double build = (System.nanoTime() - start) / 1e9;
            long factors = TrainingBenchmark.factorValues(unet);
            long resident = TrainingBenchmark.residentFactorValues(unet);
            Path dir = svdCache != null ? svdCache : SvdiffMethod.defaultCacheDir();
            out.printf("%s UNet (%,d params) built in %.1f s; SVD factors U+S+Vh: %,d float32 = %.2f GB -> %s; "
                            + "kept while training (smaller factor, σ, 1/σ): %.2f GB%n",
                    config, unet.parameterCount(), build, factors, factors * 4 / 1e9, dir, resident * 4 / 1e9);
            double seconds = TrainingBenchmark.precomputeSvd(unet, dir, 100_000_000L, manager);
            out.printf("one-off SVD (digest + decompositions + cache writes): %.1f s; peak RSS %d MiB; load average %s%n",
                    seconds, TrainingBenchmark.peakRssMb(), loadAverage());
        }
    }

    private void estimateSvd() {
        UNet2DConditionModel unet = new UNet2DConditionModel(unetConfig()); // shapes only, no weights
        out.printf("%-16s %6s %12s %12s%n", "matrix", "count", "cpu s each", "cpu s all");
        double total = 0;
        int matrices = 0;
        for (var e : TrainingBenchmark.estimateSvd(unet).entrySet()) {
            double count = e.getValue()[0];
            double each = e.getValue()[1];
            total += count * each;
            matrices += (int) count;
            out.printf("%-16s %6.0f %12.2f %12.1f%n", e.getKey(), count, each, count * each);
        }
        out.printf("one-off SVD of the %s UNet, estimated: %d matrices, %.0f CPU s single-threaded (the cache "
                + "decomposes on all cores); load average %s%n", config, matrices, total, loadAverage());
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * Times {@code work} (each run in its own scope, so results are freed) and prints the median and minimum wall
     * time, the median CPU time of this thread (with one intra-op thread PyTorch computes on the calling thread, so on
     * a busy shared machine this is the better figure), and the ratio of median wall time to the reference.
     */
    private void report(String name, ReferenceTimings reference, Runnable work) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        double[] wall = new double[iterations];
        double[] cpuMs = new double[iterations];
        for (int i = -warmup; i < iterations; i++) {
            long start = System.nanoTime();
            long cpuStart = cpu.getCurrentThreadCpuTime();
            try (NDScope scope = new NDScope()) {
                work.run();
            }
            if (i >= 0) {
                wall[i] = (System.nanoTime() - start) / 1e6;
                cpuMs[i] = (cpu.getCurrentThreadCpuTime() - cpuStart) / 1e6;
            }
        }
        double median = median(wall);
        double min = Arrays.stream(wall).min().orElse(Double.NaN); // what an undisturbed run can do
        double cpuMedian = median(cpuMs);
        if (reference == null) {
            out.printf("%-58s %9.1f %9.1f %9.1f %9s %7s%n", name, median, min, cpuMedian, "-", "-");
        } else {
            out.printf("%-58s %9.1f %9.1f %9.1f %9.1f %6.2fx%n", name, median, min, cpuMedian, reference.millis,
                    median / reference.millis);
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
