package dev.likeness.worldmodels.base;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.model.JsonConfig;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.model.ModelWeights;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.model.vae.VaeConfig;
import dev.likeness.engine.pipeline.GenerationRequest;
import dev.likeness.engine.pipeline.GenerationResult;
import dev.likeness.engine.pipeline.TextToImagePipeline;
import dev.likeness.engine.random.RandomInit;
import dev.likeness.engine.tokenizer.ClipTokenizer;
import dev.likeness.training.LearningRateScheduleKind;
import dev.likeness.world.dataset.WorldDataset;
import dev.likeness.worldmodels.clip.ClipRecipe;
import dev.likeness.worldmodels.clip.ClipTrainer;
import dev.likeness.world.scene.SceneAttributes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** A few steps of the real training loop on 8 world images with a random VAE and the tiny architecture. */
class BaseModelTrainerTest {

    @TempDir
    static Path dir;
    static NDManager manager;
    static Path vaeDir;
    static LatentPool pool;
    static List<SceneAttributes> scenes;
    static ClipTokenizer tokenizer;

    @BeforeAll
    static void setUp() throws IOException {
        manager = NDManager.newBaseManager();
        vaeDir = dir.resolve("vae");
        VaeConfig vc = VaeConfig.from(JsonConfig.of("""
                {"block_out_channels": [32, 32, 32], "in_channels": 3, "out_channels": 3, "latent_channels": 4,
                 "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
                 "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"],
                 "layers_per_block": 1, "norm_num_groups": 32, "sample_size": 32, "scaling_factor": 2.0}"""));
        Files.createDirectories(vaeDir);
        Files.writeString(vaeDir.resolve("config.json"), vc.toJson().toPrettyString());
        try (NDManager m = manager.newSubManager()) {
            AutoencoderKL vae = new AutoencoderKL(vc);
            RandomInit.initialize(vae, 3, m);
            ModelWeights.save(vae, vaeDir.resolve("diffusion_pytorch_model.safetensors"), "");
            vae.setTrainable(false);
            WorldDataset world = new WorldDataset(dev.likeness.world.dataset.WorldConfig.defaults().withImageSize(32),
                    dev.likeness.world.dataset.Split.TRAIN);
            pool = LatentPool.encode(world, 8, vae, m, 1, done -> { });
            scenes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                scenes.add(world.scene(i).attributes());
            }
        }
        tokenizer = ClipTokenizer.load(WorldSdFolder.writeTokenizer(dir.resolve("tokenizer")));
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private static BaseTrainingConfig config(int steps) {
        return BaseTrainingConfig.defaults(steps).withBatch(4, 8)
                .withLearningRate(2e-3f, 2, LearningRateScheduleKind.CONSTANT_WITH_WARMUP).withEma(0.9f);
    }

    private static BaseModelTrainer trainer(BaseTrainingConfig cfg) {
        return new BaseModelTrainer(cfg, BaseModelArchitecture.tiny(), pool, scenes, tokenizer, manager);
    }

    @Test
    void architectureSampleSizeFollowsTheLatentSide() {
        assertThat(BaseModelArchitecture.worldSd().unet().toJson().toString()).contains("\"sample_size\":16");
        BaseModelArchitecture factorFour = BaseModelArchitecture.of(64, 128, 1, 3, 8);
        assertThat(factorFour.unet().toJson().toString()).contains("\"sample_size\":8");
        assertThat(factorFour.textEncoder()).isEqualTo(BaseModelArchitecture.worldSd().textEncoder());
    }

    @Test
    void poolHasOneScaledLatentPerImageAndRoundTrips() throws IOException {
        assertThat(pool.count()).isEqualTo(8);
        assertThat(pool.shape().getShape()).containsExactly(4, 8, 8);
        assertThat(pool.meanStd()).isGreaterThan(0.01);
        Path file = dir.resolve("pool.safetensors");
        pool.save(file);
        assertThat(LatentPool.load(file)).isEqualTo(pool);
    }

    @Test
    void lossOnAFixedBatchDecreases() {
        try (BaseModelTrainer t = trainer(config(30))) {
            float before = t.evaluate(8, 1, false);
            for (int i = 0; i < 30; i++) {
                BaseModelTrainer.StepResult r = t.trainStep();
                assertThat(r.loss()).isFinite();
            }
            float after = t.evaluate(8, 1, false);
            assertThat(after).isLessThan(before * 0.8f);
            assertThat(t.losses()).hasSize(30);
        }
    }

    @Test
    void captionsAreDeterministicPerSeedAndStep() {
        try (BaseModelTrainer a = trainer(config(4)); BaseModelTrainer b = trainer(config(4));
             BaseModelTrainer c = trainer(config(4).withSeed(99))) {
            assertThat(a.captions(3)).isEqualTo(b.captions(3)).hasSize(4);
            assertThat(a.captions(3)).isNotEqualTo(a.captions(4));
            List<String> seedA = new ArrayList<>();
            List<String> seedC = new ArrayList<>();
            for (int s = 0; s < 5; s++) {
                seedA.addAll(a.captions(s));
                seedC.addAll(c.captions(s));
            }
            assertThat(seedA).isNotEqualTo(seedC);
        }
    }

    @Test
    void resumeFromACheckpointContinuesExactly() throws IOException {
        Path ck = dir.resolve("ck");
        Map<String, float[]> straight = new java.util.LinkedHashMap<>();
        try (BaseModelTrainer a = trainer(config(4))) {
            a.trainStep();
            a.trainStep();
            a.saveCheckpoint(ck);
            a.trainStep();
            a.trainStep();
            a.unet().namedParameters().forEach((k, p) -> straight.put(k, p.array().toFloatArray()));
            try (BaseModelTrainer b = trainer(config(4))) {
                b.resume(ck.resolve("checkpoint-2"));
                assertThat(b.step()).isEqualTo(2);
                assertThat(b.losses()).isEqualTo(a.losses().subList(0, 2));
                b.trainStep();
                b.trainStep();
                assertThat(b.losses()).isEqualTo(a.losses());
                b.unet().namedParameters().forEach((k, p) ->
                        assertThat(p.array().toFloatArray()).as(k).containsExactly(straight.get(k)));
            }
        }
        try (BaseModelTrainer other = trainer(config(4).withSeed(5))) {
            assertThatThrownBy(() -> other.resume(ck.resolve("checkpoint-2"))).hasMessageContaining("seed");
        }
    }

    @Test
    void exportedFolderLoadsAndRenders() throws IOException {
        Path out = dir.resolve("world-sd");
        try (BaseModelTrainer t = trainer(config(2))) {
            t.trainStep();
            t.trainStep();
            t.exportComponents(out, true);
        }
        WorldSdFolder.assemble(out, vaeDir);
        assertThat(out.resolve("tokenizer/vocab.json")).exists();
        try (StableDiffusionModel model = StableDiffusionModel.load(out); NDManager m = manager.newSubManager()) {
            assertThat(model.defaultImageSize()).isEqualTo(32);
            assertThat(model.tokenizer().maxLength()).isEqualTo(WorldSdFolder.MAX_PROMPT_TOKENS);
            // another run can start from the exported weights (what --init does)
            try (BaseModelTrainer fresh = trainer(config(2).withSeed(77))) {
                fresh.initFrom(out);
                for (String key : List.of("conv_in.weight", "mid_block.attentions.0.proj_in.weight")) {
                    assertThat(fresh.unet().namedParameters().get(key).array().toFloatArray()).as(key)
                            .containsExactly(model.unet().namedParameters().get(key).array().toFloatArray());
                }
                assertThat(fresh.textEncoder().namedParameters().get("text_model.final_layer_norm.weight").array()
                        .toFloatArray()).containsExactly(model.textEncoder().namedParameters()
                        .get("text_model.final_layer_norm.weight").array().toFloatArray());
            }
            GenerationRequest req = GenerationRequest.builder("a red ball on grass").steps(3).guidanceScale(5f)
                    .seed(1L).build();
            try (GenerationResult r = new TextToImagePipeline(model).generate(req, m)) {
                NDArray img = r.images();
                assertThat(img.getShape().getShape()).containsExactly(1, 3, 32, 32);
                float[] px = img.toFloatArray();
                for (float v : px) {
                    assertThat(v).isBetween(0f, 1f);
                }
            }
        }
    }

    @Test
    void aFrozenClipTextTowerConditionsTheUNetAndIsExportedUnchanged() throws IOException {
        // a tiny CLIPModel folder (text width 32, one layer), as ClipTrainer exports the world CLIP
        ClipRecipe clipRecipe = new ClipRecipe(32, 4, 32, 1, 32, 1, 4, 2, 16, 16, 16, 40, 0, 3e-3f, 0.05f, 1f, 7L,
                dev.likeness.world.dataset.WorldConfig.DEFAULT_SEED, 0f);
        Path clipFolder;
        try (ClipTrainer clip = new ClipTrainer(clipRecipe, dev.likeness.worldmodels.clip.ImagePool.render(
                clipRecipe.worldConfig(), dev.likeness.world.dataset.Split.TRAIN, clipRecipe.poolSize(), n -> { }))) {
            clip.runStep();
            clipFolder = clip.export(dir.resolve("tiny-clip"), false);
        }
        BaseModelArchitecture arch = BaseModelArchitecture.of(32, 32, 1, 1)
                .withTextEncoder(BaseModelTrainer.clipTextConfig(clipFolder));
        assertThat(arch.textEncoder().maxPositionEmbeddings()).isEqualTo(77);
        // the CLIP's text tower as it is in the CLIP's file
        ClipTextModel tower = new ClipTextModel(arch.textEncoder());
        ModelWeights.load(tower, clipFolder.resolve("model.safetensors"), manager, "",
                k -> !k.startsWith("text_model."));
        Path out = dir.resolve("world-sd-frozen");
        Map<String, float[]> unetBefore = new java.util.LinkedHashMap<>();
        try (BaseModelTrainer t = new BaseModelTrainer(config(3), arch, pool, scenes, tokenizer, clipFolder,
                manager)) {
            assertThat(t.textEncoderFrozen()).isTrue();
            t.unet().namedParameters().forEach((k, p) -> unetBefore.put(k, p.array().toFloatArray()));
            for (int i = 0; i < 3; i++) {
                assertThat(t.trainStep().loss()).isFinite();
            }
            // the UNet learns; the text tower is exactly the CLIP's, before and after training
            assertThat(t.unet().namedParameters().get("conv_in.weight").array().toFloatArray())
                    .isNotEqualTo(unetBefore.get("conv_in.weight"));
            tower.namedParameters().forEach((k, p) -> assertThat(t.textEncoder().namedParameters().get(k).array()
                    .toFloatArray()).as(k).containsExactly(p.array().toFloatArray()));
            t.exportComponents(out, true);
            try (BaseModelTrainer other = trainer(config(2))) {
                // a checkpoint of a frozen-text run holds the UNet only: it does not resume a joint run
                Path ck = dir.resolve("ck-frozen");
                t.saveCheckpoint(ck);
                assertThatThrownBy(() -> other.resume(ck.resolve("checkpoint-3")))
                        .isInstanceOf(RuntimeException.class);
            }
        }
        WorldSdFolder.assemble(out, vaeDir);
        try (StableDiffusionModel model = StableDiffusionModel.load(out); NDManager m = manager.newSubManager()) {
            assertThat(model.textEncoder().config()).isEqualTo(arch.textEncoder());
            // exported as float16: equal to the tower up to half-precision rounding
            tower.namedParameters().forEach((k, p) -> {
                float[] expected = p.array().toFloatArray();
                float[] actual = model.textEncoder().namedParameters().get(k).array().toFloatArray();
                assertThat(actual).as(k).hasSize(expected.length);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i]).as(k).isCloseTo(expected[i], within(1e-3f + 1e-3f * Math.abs(expected[i])));
                }
            });
            GenerationRequest req = GenerationRequest.builder("a red ball on grass").steps(2).guidanceScale(5f)
                    .seed(1L).build();
            try (GenerationResult r = new TextToImagePipeline(model).generate(req, m)) {
                assertThat(r.images().getShape().getShape()).containsExactly(1, 3, 32, 32);
            }
        }
        assertThatThrownBy(() -> BaseModelTrainer.clipTextConfig(vaeDir)).hasMessageContaining("text_config");
    }
}
