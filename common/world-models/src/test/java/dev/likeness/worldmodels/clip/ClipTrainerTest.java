package dev.likeness.worldmodels.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.metrics.encoder.ClipEmbedder;
import dev.likeness.metrics.encoder.ClipModel;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.dataset.WorldConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ClipTrainerTest {

    /** A tiny network (width 32, one layer per tower) on 16 world images, one batch of all of them per step. */
    private static final ClipRecipe TINY = new ClipRecipe(32, 4, 32, 1, 32, 1, 4, 2, 16, 16, 16, 40, 0, 3e-3f,
            0.05f, 1f, 7L, WorldConfig.DEFAULT_SEED, 0f);

    private static ImagePool pool;

    @BeforeAll
    static void renderPool() {
        pool = ImagePool.render(TINY.worldConfig(), Split.TRAIN, TINY.poolSize(), n -> { });
    }

    @Test
    void lossDecreasesOnTheTrainingImages() {
        try (ClipTrainer trainer = new ClipTrainer(TINY, pool)) {
            float before = trainer.loss(0);
            // ln(16) is chance level for 16 pairs with distinct texts
            assertThat(before).isBetween(1.5f, 4f);
            for (int i = 0; i < 15; i++) {
                trainer.runStep();
            }
            float after = trainer.loss(0);
            assertThat(after).isLessThan(0.8f * before);
            assertThat(trainer.history()).hasSize(15);
            assertThat(trainer.history().get(14).logitScale()).isLessThanOrEqualTo(100f);
        }
    }

    @Test
    void exportedFolderLoadsIntoTheSameEmbeddings(@TempDir Path dir) throws Exception {
        try (ClipTrainer trainer = new ClipTrainer(TINY, pool)) {
            trainer.runStep();
            trainer.runStep();
            Path folder = trainer.export(dir.resolve("clip"), false);
            List<String> prompts = List.of("a red ball", "a small blue striped cube on grass, on the left");
            int[] images = {0, 5, 9};
            float[] expectedImages;
            float[] expectedTexts;
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray px = m.create(pool.pixelValues(images, trainer.processor()), new Shape(3, 3, 32, 32));
                expectedImages = trainer.model().imageEmbeds(px).toFloatArray();
                expectedTexts = trainer.model().textEmbeds(trainer.tokenIds(prompts, m)).toFloatArray();
                try (ClipModel loaded = ClipModel.load(folder)) {
                    assertThat(loaded.imageEmbeds(px).toFloatArray()).containsExactly(expectedImages, within(1e-5f));
                    assertThat(loaded.config()).isEqualTo(trainer.model().config());
                }
            }
            // the evaluator's path: processor and tokenizer from the folder, prompts padded to 77 positions
            try (ClipEmbedder e = ClipEmbedder.load(folder, 8, false)) {
                float[][] img = e.embed(List.of(pool.image(0), pool.image(5), pool.image(9)));
                float[][] txt = e.embedTexts(prompts);
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 16; j++) {
                        assertThat(img[i][j]).isCloseTo(expectedImages[i * 16 + j], within(1e-5f));
                    }
                }
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 16; j++) {
                        assertThat(txt[i][j]).isCloseTo(expectedTexts[i * 16 + j], within(1e-4f));
                    }
                }
            }
            // float16 storage changes the embeddings only by rounding
            Path half = trainer.export(dir.resolve("clip16"), true);
            try (NDManager m = NDManager.newBaseManager(); ClipModel loaded = ClipModel.load(half)) {
                NDArray px = m.create(pool.pixelValues(images, trainer.processor()), new Shape(3, 3, 32, 32));
                float[] got = loaded.imageEmbeds(px).toFloatArray();
                for (int i = 0; i < got.length; i++) {
                    float tolerance = 0.02f + 0.01f * Math.abs(expectedImages[i]);
                    assertThat(got[i]).isCloseTo(expectedImages[i], within(tolerance));
                }
            }
        }
    }

    @Test
    void resumedRunContinuesExactly(@TempDir Path dir) throws Exception {
        float[] straight = new float[3];
        try (ClipTrainer trainer = new ClipTrainer(TINY, pool)) {
            trainer.runStep();
            trainer.runStep();
            trainer.saveCheckpoint(dir);
            for (int i = 0; i < 3; i++) {
                straight[i] = trainer.runStep().loss();
            }
        }
        try (ClipTrainer resumed = new ClipTrainer(TINY, pool)) {
            resumed.resume(dir);
            assertThat(resumed.step()).isEqualTo(2);
            assertThat(resumed.history()).hasSize(2);
            for (int i = 0; i < 3; i++) {
                assertThat(resumed.runStep().loss()).isCloseTo(straight[i], within(1e-4f));
            }
        }
    }

    @Test
    void exportedWeightsSeedANewRun(@TempDir Path dir) throws Exception {
        try (ClipTrainer trainer = new ClipTrainer(TINY, pool)) {
            trainer.runStep();
            trainer.runStep();
            Path folder = trainer.export(dir.resolve("clip"), false);
            float trained = trainer.loss(3);
            try (ClipTrainer seeded = new ClipTrainer(TINY, pool)) {
                assertThat(seeded.loss(3)).isNotCloseTo(trained, within(1e-4f));
                seeded.initializeFrom(folder);
                assertThat(seeded.loss(3)).isCloseTo(trained, within(1e-4f));
                assertThat(seeded.step()).isZero();
            }
        }
    }

    @Test
    void resumingAnotherArchitectureFailsNamingTheKeys(@TempDir Path dir) throws Exception {
        try (ClipTrainer trainer = new ClipTrainer(TINY, pool)) {
            trainer.saveCheckpoint(dir);
        }
        try (ClipTrainer other = new ClipTrainer(TINY.withSize(32, 2, 1, 16), pool)) {
            assertThatThrownBy(() -> other.resume(dir)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("vision_model.encoder.layers.1");
        }
    }

    @Test
    void auxiliaryAttributeLossFallsAndStaysOutOfTheExport(@TempDir Path dir) throws Exception {
        ClipRecipe aux = TINY.withAuxWeight(1f);
        float[] straight = new float[2];
        try (ClipTrainer trainer = new ClipTrainer(aux, pool)) {
            float before = trainer.auxLoss(0);
            float contrastBefore = trainer.loss(0);
            for (int i = 0; i < 15; i++) {
                ClipTrainer.StepStats s = trainer.runStep();
                assertThat(s.auxLoss()).isPositive();
            }
            assertThat(trainer.auxLoss(0)).isLessThan(0.7f * before);
            assertThat(trainer.loss(0)).isLessThan(contrastBefore);
            // the total is the contrastive loss plus the weighted aux loss
            ClipTrainer.StepStats last = trainer.history().get(14);
            assertThat(last.loss()).isGreaterThan(last.auxLoss());

            Path folder = trainer.export(dir.resolve("clip"), false);
            try (SafeTensorsFile st = SafeTensorsFile.open(folder.resolve("model.safetensors"))) {
                assertThat(st.names()).noneMatch(n -> n.startsWith("aux"));
            }
            try (ClipModel loaded = ClipModel.load(folder)) {
                assertThat(loaded.config()).isEqualTo(trainer.model().config());
            }
            trainer.saveCheckpoint(dir.resolve("ckpt"));
            for (int i = 0; i < 2; i++) {
                straight[i] = trainer.runStep().loss();
            }
        }
        // the heads travel in the checkpoint: a resumed run continues exactly
        try (ClipTrainer resumed = new ClipTrainer(aux, pool)) {
            resumed.resume(dir.resolve("ckpt"));
            for (int i = 0; i < 2; i++) {
                assertThat(resumed.runStep().loss()).isCloseTo(straight[i], within(1e-4f));
            }
        }
        try (ClipTrainer plain = new ClipTrainer(TINY, pool)) {
            assertThatThrownBy(() -> plain.auxLoss(0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("aux weight 0");
        }
        assertThatThrownBy(() -> TINY.withAuxWeight(-1f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aux weight");
    }

    @Test
    void equalTextsInABatchShareTheTarget() {
        float[] t = ContrastiveLoss.targets(List.of("a red ball", "a cube", "a red ball"));
        assertThat(t).containsExactly(0.5f, 0f, 0.5f, 0f, 1f, 0f, 0.5f, 0f, 0.5f);
    }
}
