package dev.likeness.training.method.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.training.ArtifactMetadata;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.artifact.ToyModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoraMethodTest {

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

    private static TrainingConfig config(boolean textEncoder) {
        return TrainingConfig.builder("lora").instancePrompt("a photo of sks dog").trainTextEncoder(textEncoder)
                .learningRate(3e-2f).textEncoderLearningRate(1e-2f).loraRank(2).loraAlpha(4f).seed(3).build();
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
    void trainsOnlyTheAdaptersOnAttentionProjections() {
        TrainingModel model = ToyModels.trainingModel(manager, 21);
        Map<String, float[]> unetBefore = ToyModels.snapshot(model.unet());
        float[] baseOut = forward(model);
        float untrained = ToyModels.evaluate(model, PROMPTS, 99);
        TrainingConfig cfg = config(false);
        LoraMethod method = new LoraMethod();
        method.attach(model, cfg, manager);
        assertThat(method.trainables()).extracting(t -> t.name()).containsExactly(
                "unet.mid_block.attn2.to_q.lora.down.weight", "unet.mid_block.attn2.to_q.lora.up.weight",
                "unet.mid_block.attn2.to_k.lora.down.weight", "unet.mid_block.attn2.to_k.lora.up.weight",
                "unet.mid_block.attn2.to_v.lora.down.weight", "unet.mid_block.attn2.to_v.lora.up.weight",
                "unet.mid_block.attn2.to_out.0.lora.down.weight", "unet.mid_block.attn2.to_out.0.lora.up.weight");
        assertThat(method.trainables().get(0).array().getShape().getShape()).containsExactly(2, 8);
        assertThat(method.trainables().get(1).array().getShape().getShape()).containsExactly(8, 2);
        // up = 0: the adapted model is the base model (W + 0 is bit-identical; BLAS may round differently for a
        // differently aligned copy, hence a tolerance)
        assertThat(maxAbsDiff(forward(model), baseOut)).isLessThan(1e-5);

        ToyModels.train(method, model, cfg, PROMPTS, 40, cfg.learningRate());
        float trained = ToyModels.evaluate(model, PROMPTS, 99);
        assertThat(trained).as("eval loss (untrained %s)", untrained).isLessThan(untrained * 0.95f);
        assertThat(ToyModels.snapshot(model.unet())).usingRecursiveComparison().isEqualTo(unetBefore);
        method.detach();
        assertThat(forward(model)).containsExactly(baseOut);
    }

    @Test
    void artifactRoundTripsAppliesAndMergesLikeTheTrainedAdapters() throws Exception {
        TrainingModel model = ToyModels.trainingModel(manager, 8);
        float[] baseOut = forward(model);
        Map<String, float[]> unetBefore = ToyModels.snapshot(model.unet());
        Map<String, float[]> teBefore = ToyModels.snapshot(model.textEncoder());
        TrainingConfig cfg = config(true);
        LoraMethod method = new LoraMethod();
        method.attach(model, cfg, manager);
        assertThat(method.trainables()).hasSize(16);
        assertThat(method.groupLearningRates(cfg)).containsEntry("text_encoder", 1e-2f);
        ToyModels.train(method, model, cfg, PROMPTS, 10, cfg.learningRate());
        float[] trainedOut = forward(model);
        assertThat(maxAbsDiff(trainedOut, baseOut)).isGreaterThan(1e-3);
        method.writeArtifact(tmp, new ArtifactMetadata("lora", "toy", null, "a photo of sks dog", null, 10,
                Map.of("default", 3e-2f), 3, "test", Map.of()));
        method.detach();

        try (SafeTensorsFile f = SafeTensorsFile.open(tmp.resolve(LoraWeights.FILE))) {
            assertThat(f.names()).contains("unet.mid_block.attn2.to_out.0.lora.down.weight",
                    "unet.mid_block.attn2.to_k.lora.up.weight",
                    "text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_linear_layer.down.weight",
                    "text_encoder.text_model.encoder.layers.0.self_attn.out_proj.lora_linear_layer.up.weight")
                    .hasSize(16);
            assertThat(f.info("unet.mid_block.attn2.to_k.lora.down.weight").shape()).containsExactly(2, 6);
            assertThat(f.info("unet.mid_block.attn2.to_k.lora.up.weight").shape()).containsExactly(8, 2);
            assertThat(f.metadata()).containsEntry("lora.rank", "2").containsEntry("lora.alpha", "4.0")
                    .containsEntry("likeness.method", "lora");
        }
        LoraWeights lora = LoraWeights.load(tmp);
        assertThat(lora.networkScale()).isEqualTo(2f);

        float[] applied;
        try (LoraWeights.Applied a = lora.applyTo(model.unet(), model.textEncoder(), 1f, manager)) {
            assertThat(a.changedWeights()).isEqualTo(8);
            applied = forward(model);
        }
        assertThat(maxAbsDiff(applied, trainedOut)).isLessThan(1e-5);
        assertThat(forward(model)).containsExactly(baseOut);

        lora.merge(model.unet(), model.textEncoder(), 1f);
        assertThat(maxAbsDiff(forward(model), applied)).isLessThan(1e-5);
        lora.unmerge(model.unet(), model.textEncoder(), 1f);
        assertThat(maxDiff(ToyModels.snapshot(model.unet()), unetBefore)).isLessThan(1e-6);
        assertThat(maxDiff(ToyModels.snapshot(model.textEncoder()), teBefore)).isLessThan(1e-6);

        try (LoraWeights.Applied a = lora.applyTo(model.unet(), model.textEncoder(), 0f, manager)) {
            assertThat(a.changedWeights()).isZero();
        }
        assertThatThrownBy(() -> lora.applyTo(model.unet(), null, 1f, manager))
                .hasMessageContaining("text encoder");
    }

    @Test
    void initialisationIsDeterministicPerSeed() {
        TrainingModel model = ToyModels.trainingModel(manager, 1);
        LoraMethod a = new LoraMethod();
        a.attach(model, config(false), manager);
        float[] first = a.trainables().get(0).array().toFloatArray();
        a.detach();
        LoraMethod b = new LoraMethod();
        b.attach(model, config(false), manager);
        assertThat(b.trainables().get(0).array().toFloatArray()).containsExactly(first);
        b.detach();
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    static double maxDiff(Map<String, float[]> a, Map<String, float[]> b) {
        assertThat(a.keySet()).isEqualTo(b.keySet());
        double d = 0;
        for (String k : a.keySet()) {
            d = Math.max(d, maxAbsDiff(a.get(k), b.get(k)));
        }
        return d;
    }
}
