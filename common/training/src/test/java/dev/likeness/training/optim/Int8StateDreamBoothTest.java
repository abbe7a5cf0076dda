package dev.likeness.training.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.testing.Golden;
import dev.likeness.training.TestImages;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingConfig.StatePrecision;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.TrainingModels;
import dev.likeness.training.checkpoint.TrainingCheckpoint;
import dev.likeness.training.data.TrainingImages;
import dev.likeness.training.loop.ProgressListener;
import dev.likeness.training.loop.Trainer;
import dev.likeness.training.loop.TrainingBatch;
import dev.likeness.training.loop.TrainingResult;
import dev.likeness.training.loop.ValidationHook;
import dev.likeness.training.method.dreambooth.DreamBooth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Full-UNet DreamBooth on tiny-sd (32 px) with 8-bit blockwise AdamW state: trains, quarter-size state, resumes. */
class Int8StateDreamBoothTest {

    private static final int RES = 32;
    private static final int STEPS = 12;
    private static NDManager root;
    @TempDir
    static Path tmp;
    private static Path instanceDir;

    @BeforeAll
    static void setUp() throws IOException {
        root = NDManager.newBaseManager();
        instanceDir = TestImages.write(tmp.resolve("instance"), 2, 40, 48, 1);
    }

    @AfterAll
    static void tearDown() {
        root.close();
    }

    private static TrainingConfig.Builder base(StatePrecision precision) {
        return TrainingConfig.builder("dreambooth").instancePrompt("a photo of {id} dog").resolution(RES)
                .learningRate(1e-3f).seed(7).maxSteps(STEPS).optimizerStatePrecision(precision);
    }

    private static Trainer trainer(TrainingModel model, TrainingConfig cfg, NDManager m) throws IOException {
        Trainer t = new Trainer(model, new DreamBooth(), cfg, m);
        t.useImages(TrainingImages.load(TrainingImages.list(instanceDir), RES, true, m), null);
        return t;
    }

    // the loss on a fixed batch: each instance latent at 4 fixed timesteps with fixed noise
    private static float evalLoss(Trainer t, NDManager m) throws IOException {
        try (NDManager s = m.newSubManager()) {
            Engine.getInstance().setRandomSeed(3);
            TrainingModel model = t.model();
            NDArray pixels = TrainingImages.load(TrainingImages.list(instanceDir), RES, true, s);
            NDArray latents = model.latentEncoder().moments(pixels).get(":, 0:4").mul(model.latentScalingFactor())
                    .repeat(0, 4);
            NDArray noise = s.randomNormal(0, 1, latents.getShape(), DataType.FLOAT32);
            NDArray ts = s.create(new long[] {50, 50, 250, 250, 500, 500, 800, 800});
            long[] ids = model.tokenizer().encode(t.instancePrompts().get(0));
            NDArray ehs = model.textEncoderFn().encode(s.create(ids, new Shape(1, model.tokenizer().maxLength())))
                    .repeat(0, 8);
            return t.objective().loss(model, new TrainingBatch(latents, noise, ts, ehs, null, 8), ehs).total()
                    .getFloat();
        }
    }

    private record Run(float before, float after, double msPerStep, double cpuMsPerStep, long optimizerFileBytes) {
    }

    private static Run train(StatePrecision precision) throws IOException {
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            try (Trainer t = trainer(model, base(precision).build(), m)) {
                float before = evalLoss(t, m);
                // CPU time of this thread (PyTorch computes on it with one intra-op thread): robust to a busy machine
                long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                TrainingResult r = t.train(ProgressListener.NONE, ValidationHook.NONE);
                double cpuMs = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1e6 / STEPS;
                float after = evalLoss(t, m);
                Path ckpt = t.checkpoint(tmp.resolve("size-" + precision));
                return new Run(before, after, r.secondsPerStep() * 1e3, cpuMs,
                        Files.size(ckpt.resolve("optimizer.safetensors")));
            }
        }
    }

    @Test
    void trainsLikeFloat32WithAQuarterOfTheState() throws IOException {
        Run full = train(StatePrecision.FLOAT32);
        Run int8 = train(StatePrecision.INT8_BLOCKWISE);
        System.out.printf("tiny-sd DreamBooth, %d steps: eval loss %.5f -> fp32 %.5f, int8 %.5f; wall %.1f vs %.1f "
                        + "ms/step, cpu %.1f vs %.1f ms/step; optimizer.safetensors %d vs %d bytes (%.3f)%n", STEPS,
                full.before(), full.after(), int8.after(), full.msPerStep(), int8.msPerStep(), full.cpuMsPerStep(),
                int8.cpuMsPerStep(), full.optimizerFileBytes(), int8.optimizerFileBytes(),
                (double) int8.optimizerFileBytes() / full.optimizerFileBytes());
        assertThat(int8.before()).isEqualTo(full.before());
        assertThat(int8.after()).isLessThan(int8.before() * 0.8f);
        assertThat(Math.abs(int8.after() - full.after())).isLessThan(0.1f * (full.before() - full.after()));
        // tiny-sd's UNet: 1.43 M values, 8 bytes each in float32; 2 + 8/2048 in 8 bits (plus the file header)
        assertThat(full.optimizerFileBytes()).isGreaterThan(8 * 1_427_012L);
        assertThat((double) int8.optimizerFileBytes() / full.optimizerFileBytes()).isLessThan(0.27);
    }

    @Test
    void resumedRunEqualsUninterruptedRunBitForBit() throws IOException {
        TrainingConfig.Builder b = base(StatePrecision.INT8_BLOCKWISE).maxSteps(4).checkpointEvery(2);
        Path outA = tmp.resolve("artifact-a");
        Path outB = tmp.resolve("artifact-b");
        TrainingResult a;
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            try (Trainer t = trainer(model, b.checkpointDir(tmp.resolve("ckpt-a")).build(), m)) {
                a = t.train(ProgressListener.NONE, ValidationHook.NONE);
                t.writeArtifact(outA);
            }
        }
        Path ckptB = tmp.resolve("ckpt-b");
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            try (Trainer t = trainer(model, b.checkpointDir(ckptB).maxSteps(2).build(), m)) {
                t.train(ProgressListener.NONE, ValidationHook.NONE); // "interrupted" after the step-2 checkpoint
            }
        }
        TrainingResult resumed;
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            try (Trainer t = trainer(model, b.checkpointDir(ckptB).maxSteps(4).build(), m)) {
                TrainingCheckpoint c = t.resumeFromLatest().orElseThrow();
                assertThat(c.step()).isEqualTo(2);
                try (NDManager s = m.newSubManager()) {
                    assertThat(c.loadOptimizer(s).keySet()).anyMatch(k -> k.startsWith("exp_avg_sq_q8."));
                }
                resumed = t.train(ProgressListener.NONE, ValidationHook.NONE);
                t.writeArtifact(outB);
            }
        }
        assertThat(resumed.firstStep()).isEqualTo(2);
        assertThat(resumed.losses()).containsExactlyElementsOf(a.losses());
        assertThat(a.losses()).hasSize(4).doesNotHaveDuplicates();
        assertThat(Files.readAllBytes(outB.resolve("unet/diffusion_pytorch_model.safetensors")))
                .isEqualTo(Files.readAllBytes(outA.resolve("unet/diffusion_pytorch_model.safetensors")));
    }
}
