package dev.likeness.training.artifact;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.training.ArtifactMetadata;
import dev.likeness.training.FineTuningMethod;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.linalg.FolderSpectralStore;
import dev.likeness.training.linalg.SpectralCache;
import dev.likeness.training.method.lora.LoraMethod;
import dev.likeness.training.method.svdiff.SvdiffMethod;
import dev.likeness.training.method.textualinversion.TextualInversionMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArtifactSetTest {

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

    @Test
    void parsesRenderOptions() {
        ArtifactOptions o = ArtifactOptions.parse(List.of("a/shifts:0.5", "b", "c:d/x:-1e-1"), List.of("emb"),
                "lora.safetensors:0.8");
        assertThat(o.svdiff()).containsExactly(new ArtifactOptions.Weighted(Path.of("a/shifts"), 0.5f),
                new ArtifactOptions.Weighted(Path.of("b"), 1f), new ArtifactOptions.Weighted(Path.of("c:d/x"), -0.1f));
        assertThat(o.embeddings()).containsExactly(Path.of("emb"));
        assertThat(o.lora()).isEqualTo(new ArtifactOptions.Weighted(Path.of("lora.safetensors"), 0.8f));
        assertThat(ArtifactOptions.parse(List.of(), List.of(), null).isEmpty()).isTrue();
        assertThatThrownBy(() -> ArtifactOptions.parse(List.of(""), List.of(), null)).hasMessageContaining("--svdiff");
    }

    private Path train(FineTuningMethod method, TrainingConfig cfg, long modelSeed, String dir) throws Exception {
        TrainingModel model = ToyModels.trainingModel(manager, modelSeed);
        method.prepareTokenizer(model.tokenizer(), cfg);
        List<String> prompts = method.instancePrompts(cfg);
        method.attach(model, cfg, manager);
        ToyModels.train(method, model, cfg, prompts, 6, cfg.learningRate());
        Path out = tmp.resolve(dir);
        method.writeArtifact(out, new ArtifactMetadata(method.id(), "toy", "0", cfg.instancePrompt(), null, 6,
                method.groupLearningRates(cfg), cfg.seed(), "test", Map.of()));
        method.detach();
        return out;
    }

    private static byte[] bytes(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            Path f = files.filter(p -> p.toString().endsWith(".safetensors")).sorted().findFirst().orElseThrow();
            return Files.readAllBytes(f);
        }
    }

    @Test
    void sameInputsAndSeedGiveTheSameArtifactBytes() throws Exception {
        Map<String, Supplier<FineTuningMethod>> methods = Map.of("svdiff", SvdiffMethod::new, "lora", LoraMethod::new,
                "textual-inversion", TextualInversionMethod::new);
        for (Map.Entry<String, Supplier<FineTuningMethod>> e : methods.entrySet()) {
            TrainingConfig cfg = config(e.getKey());
            byte[] first = bytes(train(e.getValue().get(), cfg, 3, e.getKey() + "-1"));
            byte[] second = bytes(train(e.getValue().get(), cfg, 3, e.getKey() + "-2"));
            assertThat(second).as(e.getKey()).isEqualTo(first);
        }
    }

    private TrainingConfig config(String method) {
        return TrainingConfig.builder(method).instancePrompt("a photo of {id} dog").seed(4).learningRate(1e-2f)
                .spectralShiftLearningRate(1e-2f).placeholderToken("<t>").initializerToken("dog").loraRank(2)
                .methodOption("identifier", "sks").methodOption("textual_inversion.prompts", "instance")
                .methodOption("svdiff.cache_dir", tmp.resolve("svd").toString()).build();
    }

    @Test
    void appliesSvdiffLoraAndEmbeddingsTogetherAndRestoresTheModel() throws Exception {
        Path shifts = train(new SvdiffMethod(), config("svdiff"), 3, "s");
        Path lora = train(new LoraMethod(), config("lora"), 3, "l");
        Path emb = train(new TextualInversionMethod(), config("textual-inversion"), 3, "t");
        ArtifactSet set = ArtifactSet.load(ArtifactOptions.parse(List.of(shifts + ":0.7"), List.of(emb.toString()),
                lora + ":0.5"));
        TrainingModel model = ToyModels.trainingModel(manager, 3);
        Map<String, float[]> before = ToyModels.snapshot(model.unet());
        float[] base = forward(model, "a photo of sks dog");
        SpectralCache cache = new SpectralCache(new FolderSpectralStore(tmp.resolve("svd")));
        float[] all;
        try (ArtifactSet.Applied ignored = set.applyTo(model.unet(), model.textEncoder(),
                model.tokenizer()::addToken, cache, manager)) {
            all = forward(model, set.expandPrompt("a photo of <t> dog"));
        }
        float[] svdiffOnly;
        try (ArtifactSet.Applied ignored = ArtifactSet.load(ArtifactOptions.parse(List.of(shifts + ":0.7"), List.of(),
                null)).applyTo(model.unet(), model.textEncoder(), model.tokenizer()::addToken, cache, manager)) {
            svdiffOnly = forward(model, "a photo of sks dog");
        }
        assertThat(all).isNotEqualTo(svdiffOnly).isNotEqualTo(base);
        assertThat(svdiffOnly).isNotEqualTo(base);
        assertThat(forward(model, "a photo of sks dog")).containsExactly(base);
        assertThat(ToyModels.snapshot(model.unet())).usingRecursiveComparison().isEqualTo(before);
        assertThat(model.unet().namedParameters().values()).noneMatch(p -> p.isOverridden());
        assertThat(model.textEncoder().namedParameters().values()).noneMatch(p -> p.isOverridden());
    }

    private static float[] forward(TrainingModel model, String prompt) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = ToyModels.instanceLatents(m);
            NDArray ids = m.create(new long[][]{model.tokenizer().encode(prompt), model.tokenizer().encode(prompt)});
            return model.denoiser().predict(x, m.create(new long[]{10, 500}), model.textEncoderFn().encode(ids))
                    .toFloatArray();
        }
    }
}
