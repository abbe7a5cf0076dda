package dev.likeness.training.method.textualinversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.nn.Parameter;
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

class TextualInversionMethodTest {

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

    private static TrainingConfig config(String prompts) {
        return TrainingConfig.builder("textual-inversion").instancePrompt("a photo of {id}").placeholderToken("<s*>")
                .numVectors(2).initializerToken("dog").learningRate(5e-2f)
                .methodOption("textual_inversion.prompts", prompts).build();
    }

    private static float[] encode(TrainingModel model, String prompt) {
        try (NDManager m = NDManager.newBaseManager()) {
            return model.textEncoderFn().encode(m.create(new long[][]{model.tokenizer().encode(prompt)}))
                    .toFloatArray();
        }
    }

    @Test
    void addsPlaceholderTokensAndUsesTheTemplates() {
        TrainingModel model = ToyModels.trainingModel(manager, 1);
        int vocab = model.tokenizer().vocabSize();
        TextualInversionMethod method = new TextualInversionMethod();
        TrainingConfig cfg = config("templates");
        method.prepareTokenizer(model.tokenizer(), cfg);
        assertThat(method.tokenIds()).containsExactly(vocab, vocab + 1);
        assertThat(method.placeholder()).isEqualTo("<s*> <s*>_1");
        List<String> prompts = method.instancePrompts(cfg);
        assertThat(prompts).hasSize(27).contains("a photo of a <s*> <s*>_1", "a photo of a small <s*> <s*>_1");
        assertThat(method.instancePrompts(cfg.toBuilder().learnableProperty("style").build()))
                .hasSize(19).first().isEqualTo("a painting in the style of <s*> <s*>_1");
        assertThat(method.classPrompt(cfg)).isNull();
        assertThatThrownBy(() -> new TextualInversionMethod().prepareTokenizer(model.tokenizer(), cfg))
                .hasMessageContaining("<s*>");
        assertThatThrownBy(() -> new TextualInversionMethod().prepareTokenizer(model.tokenizer(),
                cfg.toBuilder().placeholderToken("<t>").initializerToken("hot dog").build()))
                .hasMessageContaining("single token");
    }

    @Test
    void trainsOnlyTheNewRowsAndTheArtifactReproducesThem() throws Exception {
        TrainingModel model = ToyModels.trainingModel(manager, 4);
        Map<String, float[]> unetBefore = ToyModels.snapshot(model.unet());
        Map<String, float[]> teBefore = ToyModels.snapshot(model.textEncoder());
        int vocab = model.tokenizer().vocabSize();
        TextualInversionMethod method = new TextualInversionMethod();
        TrainingConfig cfg = config("instance");
        method.prepareTokenizer(model.tokenizer(), cfg);
        List<String> prompts = method.instancePrompts(cfg);
        assertThat(prompts).containsExactly("a photo of <s*> <s*>_1");
        method.attach(model, cfg, manager);
        assertThat(method.trainsTextEncoder()).isTrue();
        assertThat(method.trainables()).hasSize(1);
        assertThat(method.trainables().get(0).array().getShape().getShape()).containsExactly(2, ToyModels.TEXT_DIM);
        // both new rows start as the initializer's embedding
        assertThat(encode(model, "a photo of <s*>")).containsExactly(encode(model, "a photo of dog"));

        float untrained = ToyModels.evaluate(model, prompts, 99);
        ToyModels.train(method, model, cfg, prompts, 40, cfg.learningRate());
        float trained = ToyModels.evaluate(model, prompts, 99);
        assertThat(trained).as("eval loss (untrained %s)", untrained).isLessThan(untrained * 0.95f);

        // every stored weight is bit-identical, and the served table equals the stored one on the old rows
        assertThat(ToyModels.snapshot(model.unet())).usingRecursiveComparison().isEqualTo(unetBefore);
        assertThat(ToyModels.snapshot(model.textEncoder())).usingRecursiveComparison().isEqualTo(teBefore);
        Parameter table = model.textEncoder().namedParameters().get("text_model.embeddings.token_embedding.weight");
        try (NDArray served = table.value().get(new NDIndex("0:" + vocab))) {
            assertThat(served.toFloatArray()).containsExactly(table.array().toFloatArray());
        }
        float[] trainedEncoding = encode(model, "a photo of <s*> <s*>_1");
        assertThat(trainedEncoding).isNotEqualTo(encode(model, "a photo of dog dog"));

        method.writeArtifact(tmp, new ArtifactMetadata("textual-inversion", "toy", null, "a photo of {id}", null, 40,
                Map.of("default", 5e-2f), 0, "test", Map.of()));
        method.detach();
        assertThat(table.isOverridden()).isFalse();

        try (SafeTensorsFile f = SafeTensorsFile.open(tmp.resolve(TextualInversionEmbeddings.FILE))) {
            assertThat(f.names()).containsExactly("<s*>");
            assertThat(f.info("<s*>").shape()).containsExactly(2, ToyModels.TEXT_DIM);
            assertThat(f.metadata()).containsEntry("textual_inversion.tokens", "<s*> <s*>_1");
        }
        TextualInversionEmbeddings loaded = TextualInversionEmbeddings.load(tmp);
        assertThat(loaded.tokens()).containsExactly("<s*>", "<s*>_1");
        assertThat(loaded.expandPrompt("a photo of <s*> on a beach")).isEqualTo("a photo of <s*> <s*>_1 on a beach");

        // render side: a fresh model and tokenizer get the tokens and rows from the file
        TrainingModel fresh = ToyModels.trainingModel(manager, 4);
        try (TextualInversionEmbeddings.Applied ignored = TextualInversionEmbeddings.applyAll(List.of(loaded),
                fresh.tokenizer()::addToken, fresh.textEncoder(), manager)) {
            float[] rendered = encode(fresh, loaded.expandPrompt("a photo of <s*>"));
            double d = 0;
            for (int i = 0; i < rendered.length; i++) {
                d = Math.max(d, Math.abs(rendered[i] - trainedEncoding[i]));
            }
            assertThat(d).isLessThan(1e-6);
        }
    }
}
