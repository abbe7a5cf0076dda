package dev.likeness.training.loop;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.engine.testing.Golden;
import dev.likeness.training.LearningRateScheduleKind;
import dev.likeness.training.TestImages;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.TrainingModels;
import dev.likeness.training.checkpoint.TrainingCheckpoint;
import dev.likeness.training.data.TrainingImages;
import dev.likeness.training.method.dreambooth.DreamBooth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared loop with DreamBooth on tiny-sd (32 px images, 16×16 latents). */
class TrainerTest {

    private static final int RES = 32;
    private static NDManager root;
    @TempDir
    static Path tmp;
    private static Path instanceDir;
    private static Path classDir;

    @BeforeAll
    static void setUp() throws IOException {
        root = NDManager.newBaseManager();
        instanceDir = TestImages.write(tmp.resolve("instance"), 2, 40, 48, 1);
        classDir = TestImages.write(tmp.resolve("class"), 2, 48, 40, 2);
    }

    @AfterAll
    static void tearDown() {
        root.close();
    }

    private static TrainingConfig.Builder base() {
        return TrainingConfig.builder("dreambooth").instancePrompt("a photo of {id} dog").resolution(RES)
                .learningRate(5e-4f).seed(7).maxSteps(6);
    }

    private static Trainer trainer(TrainingModel model, TrainingConfig cfg, NDManager m, boolean prior)
            throws IOException {
        Trainer t = new Trainer(model, new DreamBooth(), cfg, m);
        NDArray inst = TrainingImages.load(TrainingImages.list(instanceDir), RES, true, m);
        NDArray cls = prior ? TrainingImages.load(TrainingImages.list(classDir), RES, true, m) : null;
        t.useImages(inst, cls);
        return t;
    }

    private static Map<String, byte[]> snapshot(Map<String, Parameter> params) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        params.forEach((k, p) -> {
            var buf = p.array().toByteBuffer();
            byte[] b = new byte[buf.remaining()];
            buf.get(b);
            out.put(k, b);
        });
        return out;
    }

    // a fixed evaluation batch: each image's latent mean at 4 fixed timesteps with fixed noise
    private static float evalLoss(Trainer t, NDManager m) throws IOException {
        try (NDManager s = m.newSubManager()) {
            TrainingModel model = t.model();
            NDArray pixels = TrainingImages.load(TrainingImages.list(instanceDir), RES, true, s);
            NDArray moments = model.latentEncoder().moments(pixels);
            NDArray mean = moments.get(":, 0:4").mul(model.latentScalingFactor());
            NDArray latents = mean.repeat(0, 4);
            NDArray noise = s.randomNormal(0, 1, latents.getShape(), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray ts = s.create(new long[] {50, 50, 250, 250, 500, 500, 800, 800});
            NDArray ehs = model.textEncoderFn().encode(s.create(model.tokenizer().encode(t.instancePrompts().get(0)),
                    new Shape(1, model.tokenizer().maxLength()))).repeat(0, 8);
            TrainingBatch b = new TrainingBatch(latents, noise, ts, ehs, null, 8);
            return t.objective().loss(model, b, ehs).total().getFloat();
        }
    }

    @Test
    void lossDecreasesAndOnlyTheUnetChanges() throws IOException {
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            Map<String, byte[]> te = snapshot(model.textEncoder().namedParameters());
            Map<String, byte[]> vae = snapshot(model.vae().namedParameters());
            Map<String, byte[]> unet = snapshot(model.unet().namedParameters());
            TrainingConfig cfg = base().maxSteps(25).learningRate(1e-3f).build();
            try (Trainer t = trainer(model, cfg, m, false)) {
                ai.djl.engine.Engine.getInstance().setRandomSeed(3);
                float before = evalLoss(t, m);
                List<StepProgress> progress = new ArrayList<>();
                TrainingResult r = t.train(progress::add, ValidationHook.NONE);
                ai.djl.engine.Engine.getInstance().setRandomSeed(3);
                float after = evalLoss(t, m);
                System.out.printf("eval loss %.5f -> %.5f; %.1f ms/step%n", before, after, r.secondsPerStep() * 1e3);
                assertThat(after).isLessThan(before * 0.8f);
                assertThat(progress).hasSize(25);
                assertThat(progress.get(24).step()).isEqualTo(25);
                assertThat(progress.get(24).etaSeconds()).isZero();
                assertThat(progress.get(10).stepsPerSecond()).isPositive();
            }
            assertThat(snapshot(model.textEncoder().namedParameters())).containsExactlyEntriesOf(te);
            assertThat(snapshot(model.vae().namedParameters())).containsExactlyEntriesOf(vae);
            Map<String, byte[]> unetAfter = snapshot(model.unet().namedParameters());
            long changed = unet.keySet().stream().filter(k -> !Arrays.equals(unet.get(k), unetAfter.get(k))).count();
            assertThat(changed).isEqualTo(unet.size());
        }
    }

    @Test
    void textEncoderTrainsAtItsOwnLearningRate() throws IOException {
        // DreamBooth with the text encoder: at the shared rate its weights move by about the rate per step; at 1e-15
        // they stay within 1e-12 while the UNet still moves, so the group's own rate reaches the optimizer
        for (Float teRate : new Float[] {null, 1e-15f}) {
            try (NDManager m = root.newSubManager()) {
                TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
                Map<String, float[]> te = floats(model.textEncoder().namedParameters());
                Map<String, float[]> unet = floats(model.unet().namedParameters());
                TrainingConfig cfg = base().maxSteps(2).learningRate(1e-3f).trainTextEncoder(true)
                        .textEncoderLearningRate(teRate).build();
                try (Trainer t = trainer(model, cfg, m, false)) {
                    assertThat(t.groupLearningRates()).containsEntry(Trainer.TEXT_ENCODER_GROUP,
                            teRate == null ? 1e-3f : teRate).containsEntry(DreamBooth.UNET_GROUP, 1e-3f);
                    t.train(p -> { }, ValidationHook.NONE);
                }
                double teMoved = maxAbsChange(te, floats(model.textEncoder().namedParameters()));
                double unetMoved = maxAbsChange(unet, floats(model.unet().namedParameters()));
                assertThat(unetMoved).isGreaterThan(1e-4);
                if (teRate == null) {
                    assertThat(teMoved).as("text encoder at the shared rate").isGreaterThan(1e-4);
                } else {
                    assertThat(teMoved).as("text encoder at rate 1e-15").isLessThan(1e-12);
                }
            }
        }
    }

    private static Map<String, float[]> floats(Map<String, Parameter> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((k, p) -> out.put(k, p.array().toFloatArray()));
        return out;
    }

    private static double maxAbsChange(Map<String, float[]> before, Map<String, float[]> after) {
        double max = 0;
        for (Map.Entry<String, float[]> e : before.entrySet()) {
            float[] a = e.getValue();
            float[] b = after.get(e.getKey());
            for (int i = 0; i < a.length; i++) {
                max = Math.max(max, Math.abs(a[i] - b[i]));
            }
        }
        return max;
    }

    @Test
    void resumedRunEqualsUninterruptedRunBitForBit() throws IOException {
        TrainingConfig.Builder b = base().classPrompt("a photo of dog").classImages(classDir).batchSize(1)
                .gradientAccumulation(2).lrSchedule(LearningRateScheduleKind.COSINE).lrWarmupSteps(2)
                .checkpointEvery(2).maxSteps(4);
        Path outA = tmp.resolve("artifact-a");
        Path outB = tmp.resolve("artifact-b");
        TrainingResult a;
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            try (Trainer t = trainer(model, b.checkpointDir(tmp.resolve("ckpt-a")).build(), m, true)) {
                a = t.train(ProgressListener.NONE, ValidationHook.NONE);
                t.writeArtifact(outA);
            }
        }
        Path ckptB = tmp.resolve("ckpt-b");
        TrainingConfig cfgB = b.checkpointDir(ckptB).build();
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            try (Trainer t = trainer(model, cfgB, m, true)) {
                // simulated crash right after step 3 (checkpoint-2 exists, step 3 is lost)
                assertThatThrownBy(() -> t.train(p -> {
                    if (p.step() == 3) {
                        throw new IllegalStateException("crash");
                    }
                }, ValidationHook.NONE)).hasMessage("crash");
            }
        }
        assertThat(TrainingCheckpoint.latest(ckptB)).hasValue(ckptB.resolve("checkpoint-2"));
        try (Stream<Path> s = Files.list(ckptB)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("checkpoint-2");
        }
        TrainingResult resumed;
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            try (Trainer t = trainer(model, cfgB, m, true)) {
                assertThat(t.resumeFromLatest()).isPresent();
                assertThat(t.step()).isEqualTo(2);
                resumed = t.train(ProgressListener.NONE, ValidationHook.NONE);
                t.writeArtifact(outB);
            }
        }
        assertThat(resumed.firstStep()).isEqualTo(2);
        assertThat(resumed.losses()).containsExactlyElementsOf(a.losses());
        assertThat(a.losses()).hasSize(4).doesNotHaveDuplicates();
        byte[] weightsA = Files.readAllBytes(outA.resolve("unet/diffusion_pytorch_model.safetensors"));
        byte[] weightsB = Files.readAllBytes(outB.resolve("unet/diffusion_pytorch_model.safetensors"));
        assertThat(weightsB).isEqualTo(weightsA);
    }

    @Test
    void sameSeedGivesIdenticalArtifactBytesAndAnotherSeedDoesNot() throws IOException {
        List<Map<String, byte[]>> runs = new ArrayList<>();
        for (long seed : new long[] {11, 11, 12}) {
            Path out = tmp.resolve("det-" + runs.size());
            try (NDManager m = root.newSubManager()) {
                TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
                TrainingConfig cfg = base().seed(seed).maxSteps(2).saveFp16(true)
                        .methodOption(DreamBooth.OPTION_IDENTIFIER, "sks").build();
                try (Trainer t = trainer(model, cfg, m, false)) {
                    t.train(ProgressListener.NONE, ValidationHook.NONE);
                    t.writeArtifact(out);
                }
            }
            Map<String, byte[]> files = new LinkedHashMap<>();
            try (Stream<Path> s = Files.walk(out)) {
                for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                    files.put(out.relativize(p).toString(), Files.readAllBytes(p));
                }
            }
            runs.add(files);
        }
        assertThat(runs.get(0).keySet()).containsExactly("likeness_base.json", "model_index.json",
                "unet/config.json", "unet/diffusion_pytorch_model.safetensors");
        runs.get(0).forEach((k, v) -> assertThat(runs.get(1).get(k)).as(k).isEqualTo(v));
        assertThat(runs.get(2).get("unet/diffusion_pytorch_model.safetensors"))
                .isNotEqualTo(runs.get(0).get("unet/diffusion_pytorch_model.safetensors"));
    }

    @Test
    void eachInstanceImageTrainsOnItsOwnCaption() throws IOException {
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            TrainingConfig cfg = base().methodOption(DreamBooth.OPTION_IDENTIFIER, "sks").classPrompt("a photo of dog")
                    .instanceCaptions(List.of("a photo of {id} dog on grass", "a {id} dog at night")).build();
            try (Trainer t = trainer(model, cfg, m, true)) {
                List<String> resolved = List.of("a photo of sks dog on grass", "a sks dog at night");
                Set<Integer> seen = new HashSet<>();
                for (int step = 0; step < 6; step++) {
                    List<String> prompts = t.promptsOfStep(step);
                    int image = t.instanceImageOfSample(step);
                    seen.add(image);
                    // batch 1 with prior preservation: the instance row, then the class row
                    assertThat(prompts).containsExactly(resolved.get(image), "a photo of dog");
                }
                assertThat(seen).containsExactlyInAnyOrder(0, 1);
                TrainingResult r = t.train(ProgressListener.NONE, ValidationHook.NONE);
                assertThat(r.losses()).hasSize(6).allMatch(Float::isFinite);
            }
        }
    }

    @Test
    void validationPromptsGetTheIdentifier() throws IOException {
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            TrainingConfig cfg = base().maxSteps(4).methodOption(DreamBooth.OPTION_IDENTIFIER, "sks")
                    .validationEvery(2).validationPrompt("a {id} dog on the moon").build();
            List<String> seen = new ArrayList<>();
            try (Trainer t = trainer(model, cfg, m, false)) {
                t.train(ProgressListener.NONE, (step, tuned, prompt) -> seen.add(step + ": " + prompt));
            }
            assertThat(seen).containsExactly("2: a sks dog on the moon", "4: a sks dog on the moon");
        }
    }

    @Test
    void captionsEqualToTheInstancePromptTrainExactlyLikeNoCaptions() throws IOException {
        List<byte[]> unets = new ArrayList<>();
        List<String> same = List.of("a photo of {id} dog", "a photo of {id} dog");
        for (List<String> captions : List.of(List.<String>of(), same)) {
            try (NDManager m = root.newSubManager()) {
                TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
                TrainingConfig cfg = base().maxSteps(3).methodOption(DreamBooth.OPTION_IDENTIFIER, "sks")
                        .instanceCaptions(captions).build();
                try (Trainer t = trainer(model, cfg, m, false)) {
                    t.train(ProgressListener.NONE, ValidationHook.NONE);
                }
                var buf = model.unet().namedParameters().get("conv_in.weight").array().toByteBuffer();
                byte[] b = new byte[buf.remaining()];
                buf.get(b);
                unets.add(b);
            }
        }
        assertThat(unets.get(1)).isEqualTo(unets.get(0));
    }

    @Test
    void captionsMustMatchTheImagesOneToOne() throws IOException {
        assertThatThrownBy(() -> base().instanceCaptions(List.of("a {id} dog", " ")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instanceCaptions[1] is blank");
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            TrainingConfig cfg = base().instanceCaptions(List.of("a {id} dog", "a {id} dog", "a {id} dog")).build();
            assertThatThrownBy(() -> trainer(model, cfg, m, false).close())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("instanceCaptions has 3 captions but there are 2 instance images");
        }
    }

    @Test
    void nonFiniteLossStopsTrainingWithAClearError() throws IOException {
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            TrainingConfig cfg = base().learningRate(1e9f).maxGradNorm(0).weightDecay(0).maxSteps(20).build();
            try (Trainer t = trainer(model, cfg, m, false)) {
                assertThatThrownBy(() -> t.train(ProgressListener.NONE, ValidationHook.NONE))
                        .isInstanceOf(NanLossException.class)
                        .hasMessageContaining("became")
                        .hasMessageContaining("training stopped")
                        .hasMessageContaining("Lower the learning rate");
            }
        }
    }

    @Test
    void liveArraysAndNativeMemoryStayFlatAcrossSteps() throws IOException {
        try (NDManager m = root.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            TrainingConfig cfg = base().classPrompt("a photo of dog").classImages(classDir).maxSteps(1000).build();
            try (Trainer t = trainer(model, cfg, m, true)) {
                for (int i = 0; i < 2; i++) {
                    t.runStep();
                }
                int arraysWarm = ((BaseNDManager) root).getManagedArrays().size();
                long rssWarm = rssKb();
                for (int i = 0; i < 8; i++) {
                    t.runStep();
                }
                int arraysAfter = ((BaseNDManager) root).getManagedArrays().size();
                long rssAfter = rssKb();
                System.out.printf("live arrays %d -> %d, RSS %d -> %d MB%n", arraysWarm, arraysAfter,
                        rssWarm / 1024, rssAfter / 1024);
                assertThat(arraysAfter).isEqualTo(arraysWarm);
                assertThat(rssAfter - rssWarm).isLessThan(64 * 1024);
            }
        }
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
