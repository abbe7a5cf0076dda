package dev.likeness.training.method.svdiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.training.ArtifactMetadata;
import dev.likeness.training.TrainableTensor;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.artifact.ToyModels;
import dev.likeness.training.linalg.FolderSpectralStore;
import dev.likeness.training.linalg.SpectralCache;
import dev.likeness.engine.io.SafeTensorsFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SvdiffMethodTest {

    private static final List<String> PROMPTS = List.of("a photo of sks dog");

    @TempDir
    Path tmp;
    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private TrainingConfig config(boolean textEncoder) {
        return TrainingConfig.builder("svdiff").instancePrompt("a photo of sks dog").trainTextEncoder(textEncoder)
                .spectralShiftLearningRate(2e-2f).normDeltaLearningRate(1e-3f).maxSteps(40)
                .methodOption("svdiff.cache_dir", tmp.resolve("svd").toString()).build();
    }

    private static float[] forward(TrainingModel model) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = ToyModels.instanceLatents(m);
            NDArray ids = m.create(new long[][]{model.tokenizer().encode("a photo of sks dog"),
                    model.tokenizer().encode("a photo of dog")});
            NDArray ctx = model.textEncoderFn().encode(ids);
            return model.denoiser().predict(x, m.create(new long[]{10, 500}), ctx).toFloatArray();
        }
    }

    @Test
    void trainsOnlySpectralShiftsAndLossGoesDown() {
        TrainingModel model = ToyModels.trainingModel(manager, 7);
        Map<String, float[]> unetBefore = ToyModels.snapshot(model.unet());
        Map<String, float[]> teBefore = ToyModels.snapshot(model.textEncoder());
        float[] baseOut = forward(model);
        float untrained = ToyModels.evaluate(model, PROMPTS, 99);

        TrainingConfig cfg = config(false);
        SvdiffMethod method = new SvdiffMethod();
        method.attach(model, cfg, manager);
        // every weight (4 convs/linears… 1 norm, 1 embedding) wrapped, biases not
        long weights = model.unet().namedParameters().keySet().stream().filter(k -> k.endsWith(".weight")).count();
        assertThat(method.trainables()).hasSize((int) weights);
        assertThat(method.trainables()).filteredOn(t -> t.group().equals(SvdiffMethod.GROUP_NORM))
                .extracting(TrainableTensor::name).containsExactly("unet.norm.delta");
        assertThat(method.groupLearningRates(cfg)).containsEntry("spectral", 2e-2f).containsEntry("norm", 1e-3f);
        // without a spectral rate of its own the shifts take the config's main rate (SVDiff's default 1e-3)
        TrainingConfig mainRate = TrainingConfig.builder("svdiff").instancePrompt("a photo of sks dog")
                .learningRate(5e-2f).build();
        assertThat(method.groupLearningRates(mainRate)).containsEntry("spectral", 5e-2f);
        assertThat(TrainingConfig.builder("svdiff").instancePrompt("x").build().spectralShiftLearningRate())
                .isEqualTo(1e-3f);
        assertThat(method.trainsTextEncoder()).isFalse();
        // δ = 0 recomposes the base weights (up to float rounding of the SVD)
        assertThat(maxAbsDiff(forward(model), baseOut)).isLessThan(1e-4);

        float[] losses = ToyModels.train(method, model, cfg, PROMPTS, 40, 1e-3f);
        float trained = ToyModels.evaluate(model, PROMPTS, 99);
        assertThat(trained).as("eval loss after training (before %s, per-step %s)", untrained,
                java.util.Arrays.toString(losses)).isLessThan(untrained * 0.9f);

        // base arrays are bit-identical; only δ moved
        assertThat(ToyModels.snapshot(model.unet())).usingRecursiveComparison().isEqualTo(unetBefore);
        assertThat(ToyModels.snapshot(model.textEncoder())).usingRecursiveComparison().isEqualTo(teBefore);
        assertThat(method.trainables()).anySatisfy(t -> assertThat(t.array().abs().max().getFloat()).isPositive());

        method.detach();
        assertThat(forward(model)).containsExactly(baseOut);
        assertThat(model.unet().namedParameters().values()).allMatch(p -> !p.isOverridden());
    }

    @Test
    void artifactRoundTripsAndBakedWeightsReproduceTheTrainedModel() throws Exception {
        TrainingModel model = ToyModels.trainingModel(manager, 3);
        float[] baseOut = forward(model);
        TrainingConfig cfg = config(true);
        SvdiffMethod method = new SvdiffMethod();
        method.attach(model, cfg, manager);
        assertThat(method.trainsTextEncoder()).isTrue();
        // the text encoder's matrix shifts have their own group, at the spectral rate unless a text-encoder rate is set
        assertThat(method.trainables()).filteredOn(t -> t.name().startsWith("text_encoder."))
                .isNotEmpty().allSatisfy(t -> assertThat(t.group()).isIn(SvdiffMethod.GROUP_TEXT_ENCODER_SPECTRAL,
                        SvdiffMethod.GROUP_NORM))
                .anySatisfy(t -> assertThat(t.group()).isEqualTo(SvdiffMethod.GROUP_TEXT_ENCODER_SPECTRAL));
        assertThat(method.trainables()).filteredOn(t -> t.name().startsWith("unet."))
                .noneSatisfy(t -> assertThat(t.group()).isEqualTo(SvdiffMethod.GROUP_TEXT_ENCODER_SPECTRAL));
        assertThat(method.groupLearningRates(cfg)).containsEntry(SvdiffMethod.GROUP_TEXT_ENCODER_SPECTRAL, 2e-2f);
        assertThat(method.groupLearningRates(cfg.toBuilder().textEncoderLearningRate(3e-3f).build()))
                .containsEntry(SvdiffMethod.GROUP_TEXT_ENCODER_SPECTRAL, 3e-3f).containsEntry("spectral", 2e-2f);
        ToyModels.train(method, model, cfg, PROMPTS, 10, 1e-3f);
        float[] trainedOut = forward(model);
        assertThat(maxAbsDiff(trainedOut, baseOut)).isGreaterThan(1e-3);

        ArtifactMetadata meta = new ArtifactMetadata("svdiff", "toy", "abc", "a photo of sks dog", null, 10,
                method.groupLearningRates(cfg), 0, "test", Map.of());
        Path out = tmp.resolve("artifact");
        method.writeArtifact(out, meta);
        method.detach();

        try (SafeTensorsFile f = SafeTensorsFile.open(out.resolve(SpectralShifts.UNET_FILE))) {
            assertThat(f.names()).contains("conv_in.delta", "mid_block.attn2.to_q.delta", "norm.delta",
                    "time_embedding.delta").noneMatch(n -> n.contains("bias"));
            assertThat(f.info("norm.delta").shape()).containsExactly(1);
            assertThat(f.info("conv_in.delta").shape()).containsExactly(8); // [8, 4, 3, 3]: min(8, 4·3·3)
            assertThat(f.info("mid_block.attn2.to_k.delta").shape()).containsExactly(6); // [8, 6]
            assertThat(f.info("conv_in.delta").dtype()).isEqualTo("F32");
            assertThat(f.metadata()).containsEntry("likeness.method", "svdiff").containsEntry("svdiff.scale", "1.0");
        }
        assertThat(out.resolve(SpectralShifts.TEXT_ENCODER_FILE)).exists();
        SpectralShifts loaded = SpectralShifts.load(out);
        assertThat(loaded.textEncoder()).containsKey("text_model.embeddings.token_embedding.delta");

        SpectralCache cache = new SpectralCache(new FolderSpectralStore(tmp.resolve("svd")));
        try (SpectralShifts.Applied applied = loaded.applyTo(model.unet(), model.textEncoder(), cache, manager)) {
            assertThat(cache.lastComputed()).as("SVD factors come from the cache").isZero();
            assertThat(applied.changedWeights()).isPositive();
            assertThat(maxAbsDiff(forward(model), trainedOut)).isLessThan(1e-5);
        }
        assertThat(forward(model)).containsExactly(baseOut);

        // weight 0 leaves the model exactly as it was
        try (SpectralShifts.Applied applied = loaded.scaled(0f).applyTo(model.unet(), model.textEncoder(), cache,
                manager)) {
            assertThat(applied.changedWeights()).isZero();
            assertThat(forward(model)).containsExactly(baseOut);
        }
    }

    @Test
    void combinationArithmeticIsExact() {
        SpectralShifts a = new SpectralShifts(Map.of("x.delta", new float[]{0.1f, -0.3f}, "n.delta",
                new float[]{0.7f}), Map.of(), Map.of());
        SpectralShifts b = new SpectralShifts(Map.of("x.delta", new float[]{0.25f, 0.5f}), Map.of(), Map.of());
        SpectralShifts sum = SpectralShifts.combine(List.of(a, b), new float[]{0.5f, 2f});
        assertThat(sum.unet().get("x.delta")).containsExactly(0.5f * 0.1f + 2f * 0.25f, 0.5f * -0.3f + 2f * 0.5f);
        assertThat(sum.unet().get("n.delta")).containsExactly(0.5f * 0.7f);
        SpectralShifts mid = SpectralShifts.interpolate(a, b, 0.25f);
        assertThat(mid.unet().get("x.delta")).containsExactly(0.25f * 0.1f + 0.75f * 0.25f,
                0.25f * -0.3f + 0.75f * 0.5f);
        assertThat(a.scaled(1f).unet().get("x.delta")).containsExactly(0.1f, -0.3f);
        SpectralShifts wrong = new SpectralShifts(Map.of("x.delta", new float[]{1f}), Map.of(), Map.of());
        assertThatThrownBy(() -> SpectralShifts.combine(List.of(a, wrong), new float[]{1, 1}))
                .hasMessageContaining("x.delta");
    }

    @Test
    void combinedShiftsApplyAsTheirSum() throws Exception {
        TrainingModel model = ToyModels.trainingModel(manager, 5);
        SpectralCache cache = new SpectralCache(new FolderSpectralStore(tmp.resolve("svd")));
        SvdiffMethod method = new SvdiffMethod(cache);
        TrainingConfig cfg = config(false);
        method.attach(model, cfg, manager);
        ToyModels.train(method, model, cfg, PROMPTS, 5, 1e-3f);
        SpectralShifts first = method.shifts(null);
        ToyModels.train(method, model, cfg, List.of("a photo of dog"), 5, 1e-3f);
        SpectralShifts second = method.shifts(null);
        // the live method at δ₂ − … : compare applying 1·δ₂ with interpolate(δ₂, δ₁, 1)
        method.detach();
        float[] direct;
        try (SpectralShifts.Applied ignored = second.applyTo(model.unet(), null, cache, manager)) {
            direct = forward(model);
        }
        try (SpectralShifts.Applied ignored = SpectralShifts.interpolate(second, first, 1f)
                .applyTo(model.unet(), null, cache, manager)) {
            assertThat(forward(model)).containsExactly(direct);
        }
        float[] half;
        try (SpectralShifts.Applied ignored = SpectralShifts.interpolate(second, first, 0.5f)
                .applyTo(model.unet(), null, cache, manager)) {
            half = forward(model);
        }
        assertThat(maxAbsDiff(half, direct)).isGreaterThan(0);
        assertThatThrownBy(() -> new SpectralShifts(Map.of("nope.delta", new float[]{1f}), Map.of(), Map.of())
                .applyTo(model.unet(), null, cache, manager)).hasMessageContaining("nope.delta");
    }

    @Test
    void checkpointStateRestoresTheShifts() {
        TrainingModel model = ToyModels.trainingModel(manager, 11);
        TrainingConfig cfg = config(false);
        SvdiffMethod method = new SvdiffMethod();
        method.attach(model, cfg, manager);
        ToyModels.train(method, model, cfg, PROMPTS, 3, 1e-3f);
        Map<String, float[]> saved = new java.util.LinkedHashMap<>();
        method.state().forEach((k, v) -> saved.put(k, v.toFloatArray()));
        float[] out = forward(model);
        try (NDManager copy = NDManager.newBaseManager()) {
            Map<String, NDArray> state = new java.util.LinkedHashMap<>();
            saved.forEach((k, v) -> state.put(k, copy.create(v)));
            ToyModels.train(method, model, cfg, PROMPTS, 3, 1e-3f);
            method.loadState(state);
        }
        assertThat(forward(model)).containsExactly(out);
        method.detach();
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
