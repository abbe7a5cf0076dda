package dev.likeness.training.artifact;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.training.Methods;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.checkpoint.TrainingCheckpoint;
import dev.likeness.training.data.LatentDistribution;
import dev.likeness.training.loop.ProgressListener;
import dev.likeness.training.loop.Trainer;
import dev.likeness.training.loop.TrainingResult;
import dev.likeness.training.loop.ValidationHook;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SVDiff, LoRA and Textual Inversion through the shared {@link Trainer} with checkpoints: a run interrupted after a
 * checkpoint and resumed gives the same losses and a bit-identical artifact as the uninterrupted run.
 */
class MethodResumeTest {

    @TempDir
    Path tmp;

    private TrainingConfig config(String method, Path checkpoints) {
        return TrainingConfig.builder(method).instancePrompt("a photo of {id} dog").resolution(8).maxSteps(4)
                .seed(11).learningRate(1e-2f).spectralShiftLearningRate(1e-2f).placeholderToken("<t>")
                .initializerToken("dog").loraRank(2).checkpointEvery(2).checkpointDir(checkpoints)
                .methodOption("textual_inversion.prompts", "instance").methodOption("identifier", "sks")
                .methodOption("svdiff.cache_dir", tmp.resolve("svd").toString()).build();
    }

    private TrainingResult run(String method, Path checkpoints, Path artifact, boolean resume, int stopAfter)
            throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingModel model = ToyModels.trainingModel(m, 2);
            TrainingConfig cfg = config(method, checkpoints);
            if (stopAfter > 0) {
                cfg = cfg.toBuilder().maxSteps(stopAfter).build();
            }
            try (Trainer t = new Trainer(model, Methods.byId(method), cfg, m)) {
                NDArray mean = ToyModels.instanceLatents(m);
                t.useData(new LatentDistribution(mean, m.zeros(mean.getShape())), null);
                if (resume) {
                    TrainingCheckpoint c = t.resumeFromLatest().orElseThrow();
                    assertThat(c.step()).isEqualTo(2);
                }
                TrainingResult r = t.train(ProgressListener.NONE, ValidationHook.NONE);
                if (artifact != null) {
                    t.writeArtifact(artifact);
                }
                return r;
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"svdiff", "lora", "textual-inversion"})
    void resumedRunEqualsUninterruptedRun(String method) throws Exception {
        Path full = tmp.resolve(method + "-full");
        TrainingResult uninterrupted = run(method, tmp.resolve(method + "-ckpt-a"), full, false, 0);
        run(method, tmp.resolve(method + "-ckpt-b"), null, false, 2); // "interrupted" after the step-2 checkpoint
        Path resumed = tmp.resolve(method + "-resumed");
        TrainingResult rest = run(method, tmp.resolve(method + "-ckpt-b"), resumed, true, 0);
        assertThat(rest.losses()).containsExactlyElementsOf(uninterrupted.losses());
        List<Path> files;
        try (var s = Files.list(full)) {
            files = s.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            assertThat(Files.readAllBytes(resumed.resolve(f.getFileName()))).as(f.getFileName().toString())
                    .isEqualTo(Files.readAllBytes(f));
        }
    }
}
