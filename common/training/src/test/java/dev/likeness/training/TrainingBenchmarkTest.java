package dev.likeness.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.model.unet.UNet2DConditionModel;
import dev.likeness.engine.random.TinyModelGenerator;
import dev.likeness.engine.testing.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingBenchmarkTest {

    @Test
    void measuresDreamBoothStepsOnTinySd() throws Exception {
        TrainingBenchmark.Result r = TrainingBenchmark.measure(Golden.path("tiny-sd"), "dreambooth", 32, 1, 1, 2);
        System.out.println(r);
        assertThat(r.msPerStep()).isPositive();
        assertThat(r.peakRssMb()).isPositive();
        assertThat(r.trainableParams()).isEqualTo(1_427_012L);
    }

    @Test
    void svdiffTimesTheSvdApartAndFindsItCachedTheSecondTime(@TempDir Path cache) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), manager);
            TrainingBenchmark.Settings s = TrainingBenchmark.Settings.of("svdiff", 32, 1, 0, 1)
                    .withSvdCacheDir(cache);
            TrainingBenchmark.Result first = TrainingBenchmark.measure(model, s, manager);
            TrainingBenchmark.Result second = TrainingBenchmark.measure(model, s, manager);
            TrainingBenchmark.Result withPlain = second.withPlain(TrainingBenchmark.plainBaseline(model, s, manager));
            System.out.println(first + System.lineSeparator() + withPlain);
            assertThat(first.svdComputed()).isEqualTo(121); // every matrix weight of the tiny UNet
            assertThat(second.svdComputed()).isZero();
            assertThat(second.recomposeMs()).isPositive();
            assertThat(withPlain.plainCpuMs()).isPositive();
            assertThat(withPlain.stepToPlain()).isPositive();
            assertThat(model.unet().namedParameters().values()).allMatch(p -> !p.isTrainable());
        }
    }

    @Test
    void svdEstimateCoversEveryMatrixOnce() {
        UNet2DConditionModel unet = new UNet2DConditionModel(TinyModelGenerator.tinySd().unet());
        Map<String, double[]> estimate = TrainingBenchmark.estimateSvd(unet);
        assertThat(estimate.values().stream().mapToDouble(v -> v[0]).sum()).isEqualTo(121.0);
        assertThat(estimate.values()).allMatch(v -> v[1] >= 0);
        assertThat(TrainingBenchmark.factorValues(new Shape(320, 320, 3, 3)))
                .isEqualTo(320L * 320 + 320 + 320L * 2880);
        assertThat(TrainingBenchmark.factorValues(new Shape(4, 2880))).isEqualTo(4L * 4 + 4 + 4L * 2880);
        assertThat(TrainingBenchmark.residentFactorValues(new Shape(320, 320, 3, 3))).isEqualTo(320L * 320 + 640);
        assertThat(TrainingBenchmark.residentFactorValues(new Shape(2880, 4))).isEqualTo(4L * 4 + 8);
    }

    @Test
    void settingsRejectBadSizes() {
        assertThatThrownBy(() -> TrainingBenchmark.Settings.of("lora", 500, 1, 0, 1))
                .hasMessageContaining("multiple of 8");
        assertThatThrownBy(() -> TrainingBenchmark.Settings.of("lora", 512, 0, 0, 1)).hasMessageContaining("batch");
    }

    @Test
    void unknownMethodListsTheValidOnes() {
        assertThatThrownBy(() -> Methods.byId("hypernetwork"))
                .hasMessageContaining("dreambooth, textual-inversion, svdiff, lora");
    }
}
