package dev.likeness.worldmodels.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.model.JsonConfig;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.dataset.WorldConfig;
import dev.likeness.world.dataset.WorldDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VaeTrainerTest {

    // a narrow VAE of the world's layout (3 blocks, 32 px → 8 px) so a handful of steps takes seconds
    private static final VaeRecipe TINY = VaeRecipe.world().withArchitecture(List.of(8, 16, 16), 4).withBatchSize(8)
            .withSteps(40).withLearningRate(3e-3f, 2);

    private static ImagePool pool;

    @BeforeAll
    static void renderImages() {
        pool = new ImagePool(new WorldDataset(WorldConfig.defaults().withImageSize(32), Split.TRAIN), 16);
    }

    private static int[] all() {
        int[] idx = new int[pool.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return idx;
    }

    @Test
    void poolBatchIsChannelsFirstInUnitRange() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = pool.batch(new int[] {3, 5}, m);
            assertThat(x.getShape().getShape()).containsExactly(2, 3, 32, 32);
            byte[] rgb = pool.rgb(5);
            // pixel (row 7, col 11), green channel
            float expected = (rgb[(7 * 32 + 11) * 3 + 1] & 0xff) / 127.5f - 1f;
            assertThat(x.getFloat(1, 1, 7, 11)).isEqualTo(expected);
            assertThat(x.min().getFloat()).isGreaterThanOrEqualTo(-1f);
            assertThat(x.max().getFloat()).isLessThanOrEqualTo(1f);
        }
    }

    @Test
    void pixelWeightsEmphasiseObjectPixelsAndKeepMeanOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            int[] idx = {0, 1, 2, 3};
            float[] w = pool.pixelWeights(idx, 10f, m).toFloatArray();
            int plane = 32 * 32;
            double sum = 0;
            int objectPixels = 0;
            for (int n = 0; n < idx.length; n++) {
                byte[] mask = pool.objectMask(idx[n]);
                for (int p = 0; p < plane; p++) {
                    sum += w[n * plane + p];
                    if (mask[p] == 1) {
                        objectPixels++;
                    }
                }
                // object pixels weigh exactly 10x the background pixels of the same batch
                int obj = -1;
                int bg = -1;
                for (int p = 0; p < plane && (obj < 0 || bg < 0); p++) {
                    if (mask[p] == 1) {
                        obj = p;
                    } else {
                        bg = p;
                    }
                }
                assertThat(w[n * plane + obj] / w[n * plane + bg]).isCloseTo(10f,
                        org.assertj.core.data.Offset.offset(1e-4f));
            }
            assertThat(sum / w.length).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            // objects are a minority of the pixels, but there are some in every image
            assertThat(objectPixels).isBetween(idx.length, idx.length * plane / 2);
        }
    }

    @Test
    void objectWeightedTrainingReconstructsObjectsBetterThanPlainTraining() {
        double[] objectPsnr = new double[2];
        float[] weights = {1f, 10f};
        for (int k = 0; k < 2; k++) {
            try (NDManager m = NDManager.newBaseManager();
                 VaeTrainer trainer = VaeTrainer.start(TINY.withObjectWeight(weights[k]), pool, m)) {
                for (int i = 0; i < 25; i++) {
                    assertThat(trainer.trainStep().loss()).isFinite();
                }
                objectPsnr[k] = VaeQuality.meanObjectPsnr(trainer.model(), pool, pool.size(), 8, m);
            }
        }
        // same initialisation and batches: only the loss weights differ
        assertThat(objectPsnr[1]).isGreaterThan(objectPsnr[0]);
        assertThatThrownBy(() -> TINY.withObjectWeight(0.5f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("object weight");
    }

    @Test
    void objectPsnrMeasuresOnlyObjectPixels() {
        try (NDManager m = NDManager.newBaseManager(); VaeTrainer trainer = VaeTrainer.start(TINY, pool, m)) {
            double all = VaeQuality.meanPsnr(trainer.model(), pool, 8, 8, m);
            double objects = VaeQuality.meanObjectPsnr(trainer.model(), pool, 8, 8, m);
            assertThat(objects).isFinite().isNotEqualTo(all);
        }
    }

    @Test
    void trainingLowersTheReconstructionLoss() {
        try (NDManager m = NDManager.newBaseManager(); VaeTrainer trainer = VaeTrainer.start(TINY, pool, m)) {
            NDArray x = pool.batch(all(), m);
            VaeTrainer.StepStats before = trainer.evaluate(x, 0);
            VaeTrainer.StepStats first = null;
            for (int i = 0; i < 25; i++) {
                VaeTrainer.StepStats s = trainer.trainStep();
                assertThat(s.loss()).isFinite();
                if (first == null) {
                    first = s;
                }
            }
            VaeTrainer.StepStats after = trainer.evaluate(x, 0);
            assertThat(trainer.step()).isEqualTo(25);
            assertThat(first.gradNorm()).isPositive();
            assertThat(after.l1()).isLessThan(before.l1() * 0.8f);
            assertThat(after.mse()).isLessThan(before.mse());
        }
    }

    @Test
    void exportedFolderLoadsInTheEngineAndReconstructsTheSame(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); VaeTrainer trainer = VaeTrainer.start(TINY, pool, m)) {
            for (int i = 0; i < 3; i++) {
                trainer.trainStep();
            }
            Path folder = dir.resolve("vae");
            double scaling = trainer.exportFolder(folder, pool, 16);
            assertThat(scaling).isPositive().isFinite();
            JsonConfig cfg = JsonConfig.read(folder.resolve("config.json"));
            assertThat(cfg.getDouble("scaling_factor", -1)).isEqualTo(scaling);
            assertThat(cfg.getInts("block_out_channels", List.of())).containsExactly(8, 16, 16);

            AutoencoderKL loaded = AutoencoderKL.load(folder, m);
            assertThat(loaded.config().downscaleFactor()).isEqualTo(4);
            assertThat(loaded.scalingFactor()).isEqualTo(scaling);
            NDArray x = pool.batch(new int[] {0, 1, 2, 3}, m);
            NDArray trained = VaeQuality.reconstruct(trainer.model(), x);
            NDArray reloaded = VaeQuality.reconstruct(loaded, x);
            assertThat(reloaded.getShape()).isEqualTo(x.getShape());
            // float16 weights: reconstructions agree to rounding
            float maxDiff = trained.sub(reloaded).abs().max().getFloat();
            assertThat(maxDiff).isLessThan(0.02f);
        }
    }

    @Test
    void resumedRunMatchesAnUninterruptedOne(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] straight;
            try (VaeTrainer t = VaeTrainer.start(TINY, pool, m)) {
                for (int i = 0; i < 4; i++) {
                    t.trainStep();
                }
                straight = t.model().encoder().namedParameters().get("conv_in.weight").array().toFloatArray();
            }
            try (VaeTrainer t = VaeTrainer.start(TINY, pool, m)) {
                t.trainStep();
                t.trainStep();
                t.checkpoint(dir);
            }
            Path latest = VaeTrainer.latestCheckpoint(dir).orElseThrow();
            assertThat(latest.getFileName().toString()).isEqualTo("step-000002");
            try (VaeTrainer t = VaeTrainer.resume(latest, TINY, pool, m)) {
                assertThat(t.step()).isEqualTo(2);
                t.trainStep();
                t.trainStep();
                float[] resumed = t.model().encoder().namedParameters().get("conv_in.weight").array().toFloatArray();
                assertThat(resumed).containsExactly(straight, org.assertj.core.data.Offset.offset(1e-6f));
            }
            VaeRecipe other = TINY.withArchitecture(List.of(8, 16, 32), 4);
            assertThatThrownBy(() -> VaeTrainer.resume(latest, other, pool, m))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("config");
        }
    }
}
