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
import dev.likeness.training.TrainingBenchmark;
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
    static final String SD15_UNET = """
            {"block_out_channels": [320, 640, 1280, 1280], "layers_per_block": 2, "sample_size": 64,
             "in_channels": 4, "out_channels": 4,
             "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
             "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
             "cross_attention_dim": 768, "attention_head_dim": 8, "norm_num_groups": 32}""";

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
            description = "fine-tuning methods whose training step is timed on the tiny model folder "
                    + "(tiny config only; 'none' to skip; default: ${DEFAULT-VALUE})")
    List<String> methods;

    @Option(names = "--method-steps", defaultValue = "5", description = "timed training steps per method (default: ${DEFAULT-VALUE})")
    int methodSteps;

    @Option(names = "--clip", paramLabel = "DIR",
            description = "also time the evaluator's CLIP image encoder (a Hugging Face CLIPModel folder); needs --dino")
    Path clipFolder;

    @Option(names = "--dino", paramLabel = "DIR",
            description = "also time the evaluator's DINO encoder (a Hugging Face ViTModel folder); needs --clip")
    Path dinoFolder;

    private PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        if (threads != null) {
            // Read by the PyTorch engine when it starts; has no effect if DJL is already running in this JVM.
            System.setProperty("ai.djl.pytorch.num_threads", threads.toString());
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        String unetJson = switch (config) {
            case "tiny" -> null;
            case "mid" -> MID_UNET;
            case "sd15-shapes" -> SD15_UNET;
            default -> throw new IllegalArgumentException("unknown --config '" + config + "' (tiny, mid, sd15-shapes)");
        };
        out.printf("likeness bench --config %s: %s, intra-op threads %s, medians of %d after %d warm-up%n", config,
                Devices.describe(Devices.preferred()), System.getProperty("ai.djl.pytorch.num_threads", "default"),
                iterations, warmup);
        out.printf("attention: %s; OMP_WAIT_POLICY=%s; MALLOC_ARENA_MAX=%s MALLOC_MMAP_THRESHOLD_=%s "
                        + "MALLOC_TRIM_THRESHOLD_=%s%n",
                FusedAttention.available() ? "fused (libtorch scaled_dot_product_attention)" : "composed (matmul/softmax)",
                env("OMP_WAIT_POLICY"), env("MALLOC_ARENA_MAX"), env("MALLOC_MMAP_THRESHOLD_"),
                env("MALLOC_TRIM_THRESHOLD_"));
        out.printf("%-58s %9s %9s %9s %9s %7s%n", "workload", "wall ms", "min ms", "cpu ms", "reference", "ratio");
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
            UNetConfig unetConfig = unetJson == null ? TinyModelGenerator.tinySd().unet()
                    : UNetConfig.from(JsonConfig.of(unetJson));
            UNet2DConditionModel unet = new UNet2DConditionModel(unetConfig);
            RandomInit.initialize(unet, 0, manager);
            String label = config + " UNet (" + String.format("%.2f", unet.parameterCount() / 1e6) + " M params), batch 2";
            benchUnet(unet, label, manager);
            if (config.equals("tiny")) {
                benchTinyPipeline(manager);
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
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
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
        for (String method : methods) {
            String name = "tiny training step, " + method + " (mean of " + methodSteps + ")";
            try {
                // "the": a single token of the random tiny tokenizer (Textual Inversion's initializer must be one)
                TrainingBenchmark.Result r = TrainingBenchmark.measure(tinyFolder, method, 64, 2, warmup, methodSteps,
                        "the");
                out.printf("%-58s %9.1f %9s %9s %9s %7s%n", name, r.msPerStep(), "-", "-", "-", "-");
            } catch (IllegalArgumentException e) {
                out.printf("%-58s skipped: %s%n", name, e.getMessage());
            }
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
