package dev.likeness.worldmodels.dino;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.metrics.encoder.DinoEmbedder;
import dev.likeness.metrics.encoder.DinoVit;
import dev.likeness.metrics.preprocess.ImageProcessor;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.world.dataset.HeldOutRule;
import dev.likeness.world.dataset.WorldConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A tiny encoder on a few identities: the loss falls, the export loads in the evaluator, resume is exact. */
class DinoTrainerTest {

    private static final List<Identity> IDS = Identity.training(
            new HeldOutRule(WorldConfig.defaults().heldOutFraction())).subList(0, 40);

    @TempDir
    Path dir;

    private static DinoRecipe tiny() {
        return DinoRecipe.world().withArchitecture(32, 1, 2).withBatch(8).withLearningRate(3e-3f, 0)
                .withSteps(30).withPool(3, 2).withSeed(7);
    }

    private static ViewPool pool(DinoRecipe r, List<Identity> ids) {
        return new ViewPool(ids, new IdentityViews(r.imageSize(), IDS, r.secondObjectProbability()), r.poolViews(),
                r.refreshPerStep(), r.seed());
    }

    // contrastive loss of views 0 and 1 of every identity in the pool
    private static float heldLoss(DinoVit model, ViewPool pool, NDManager m) {
        int k = pool.identities().size();
        int[] identity = new int[2 * k];
        int[] view = new int[2 * k];
        for (int i = 0; i < k; i++) {
            identity[i] = i;
            identity[i + k] = i;
            view[i + k] = 1;
        }
        ImageProcessor p = ImageProcessor.fromJson(DinoFolder.preprocessor(32));
        try (NDManager sub = m.newSubManager()) {
            NDArray px = sub.create(pool.pixelValues(identity, view, p), new Shape(2L * k, 3, 32, 32));
            return SupConLoss.compute(model.cls(px), 0.1f).loss().getFloat();
        }
    }

    @Test
    void lossFallsAndExportLoadsWithTheSameEmbeddings() throws IOException {
        DinoRecipe r = tiny();
        // training on 10 identities, so 30 steps of 8 identities see each many times
        ViewPool pool = pool(r, IDS.subList(0, 10));
        try (NDManager m = NDManager.newBaseManager(); DinoTrainer t = DinoTrainer.start(r, pool, m)) {
            float before = heldLoss(t.model(), pool, m);
            List<Float> losses = new ArrayList<>();
            while (t.step() < r.steps()) {
                losses.add(t.trainStep().loss());
            }
            float after = heldLoss(t.model(), pool, m);
            assertThat(after).as("held loss before %s, after %s", before, after).isLessThan(0.8f * before);
            double first = losses.subList(0, 5).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
            double last = losses.subList(25, 30).stream().mapToDouble(Float::doubleValue).average().orElseThrow();
            assertThat(last).as("training loss %s", losses).isLessThan(first);

            Path folder = dir.resolve("world-dino");
            t.exportFolder(folder);
            List<RgbImage> images = List.of(pool.image(0, 0), pool.image(1, 1), pool.image(2, 2));
            ImageProcessor p = ImageProcessor.load(folder);
            float[] px = new float[3 * 3 * 32 * 32];
            for (int i = 0; i < 3; i++) {
                System.arraycopy(p.pixelValues(images.get(i)), 0, px, i * 3 * 32 * 32, 3 * 32 * 32);
            }
            float[] trained;
            try (NDManager sub = m.newSubManager()) {
                trained = t.model().cls(sub.create(px, new Shape(3, 3, 32, 32))).toFloatArray();
            }
            try (DinoEmbedder e = DinoEmbedder.load(folder, 2, false)) {
                assertThat(e.info().untrained()).isFalse();
                float[][] loaded = e.embed(images);
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 32; j++) {
                        // float16 weights: ~1e-3 relative; the CLS after LayerNorm is O(1)
                        assertThat(loaded[i][j]).isCloseTo(trained[i * 32 + j],
                                org.assertj.core.data.Offset.offset(0.02f));
                    }
                }
            }
            try (DinoVit loaded = DinoVit.load(folder)) {
                assertThat(loaded.config()).isEqualTo(r.vitConfig());
            }
        }
    }

    @Test
    void resumeContinuesExactlyAsAnUninterruptedRun() throws IOException {
        DinoRecipe r = tiny().withSteps(4);
        List<Float> straight = new ArrayList<>();
        Path ckpt;
        try (NDManager m = NDManager.newBaseManager(); DinoTrainer t = DinoTrainer.start(r, pool(r, IDS), m)) {
            t.trainStep();
            t.trainStep();
            ckpt = t.checkpoint(dir);
            straight.add(t.trainStep().loss());
            straight.add(t.trainStep().loss());
        }
        assertThat(DinoTrainer.latestCheckpoint(dir)).contains(ckpt);
        try (NDManager m = NDManager.newBaseManager();
             DinoTrainer t = DinoTrainer.resume(ckpt, r, pool(r, IDS), m)) {
            assertThat(t.step()).isEqualTo(2);
            assertThat(t.trainStep().loss()).isCloseTo(straight.get(0), org.assertj.core.data.Offset.offset(1e-5f));
            assertThat(t.trainStep().loss()).isCloseTo(straight.get(1), org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void resumeRefusesAnotherArchitecture() throws IOException {
        DinoRecipe r = tiny().withSteps(2);
        Path ckpt;
        try (NDManager m = NDManager.newBaseManager(); DinoTrainer t = DinoTrainer.start(r, pool(r, IDS), m)) {
            t.trainStep();
            ckpt = t.checkpoint(dir);
        }
        DinoRecipe wider = r.withArchitecture(64, 1, 2);
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> DinoTrainer.resume(ckpt, wider, pool(wider, IDS), m))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hidden 32");
        }
        assertThat(Files.exists(ckpt)).isTrue();
    }

    @Test
    void lossRejectsAnOddBatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> SupConLoss.compute(m.ones(new Shape(5, 4)), 0.1f))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2k, dim]");
        }
    }
}
