package dev.likeness.metrics.lpips;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.metrics.bench.EncoderBenchmark;
import dev.likeness.metrics.preprocess.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * LPIPS with seeded random AlexNet-shaped weights (the trained ones are not available offline): checks the metric's
 * properties and the weight loading, not trained numbers.
 */
class LpipsTest {

    @TempDir
    static Path tmp;
    private static Lpips lpips;

    @BeforeAll
    static void writeWeights() throws IOException {
        int[] taps = {0, 3, 6, 8, 10};
        int[] ch = {64, 192, 384, 256, 256};
        int[] k = {11, 5, 3, 3, 3};
        Map<String, NDArray> w = new LinkedHashMap<>();
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            int in = 3;
            for (int i = 0; i < 5; i++) {
                float std = (float) Math.sqrt(2.0 / (in * k[i] * k[i]));
                w.put("net.slice" + (i + 1) + "." + taps[i] + ".weight",
                        m.randomNormal(0, std, new Shape(ch[i], in, k[i], k[i]), ai.djl.ndarray.types.DataType.FLOAT32));
                w.put("net.slice" + (i + 1) + "." + taps[i] + ".bias", m.randomNormal(new Shape(ch[i])).mul(0.01f));
                // LPIPS heads are non-negative
                w.put("lin" + i + ".model.1.weight", m.randomUniform(0f, 0.1f, new Shape(1, ch[i], 1, 1)));
                in = ch[i];
            }
            SafeTensorsWriter.write(tmp.resolve("lpips_alex.safetensors"), w, Map.of());
        }
        lpips = Lpips.load(tmp.resolve("lpips_alex.safetensors"));
    }

    @AfterAll
    static void close() {
        lpips.close();
    }

    private static RgbImage noisy(RgbImage img, double sigma) {
        byte[] b = img.toBytes();
        Random r = new Random(11);
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Math.max(0, Math.min(255, (b[i] & 0xFF) + (int) Math.round(r.nextGaussian() * sigma)));
        }
        return new RgbImage(img.width(), img.height(), b);
    }

    @Test
    void zeroForIdenticalSymmetricAndGrowingWithNoise() {
        List<RgbImage> imgs = EncoderBenchmark.syntheticImages(2, 96, 96, 5);
        RgbImage a = imgs.get(0);
        assertThat(lpips.distance(a, a)).isCloseTo(0.0, within(1e-9));
        double ab = lpips.distance(a, imgs.get(1));
        assertThat(ab).isPositive().isCloseTo(lpips.distance(imgs.get(1), a), within(1e-6));
        double small = lpips.distance(a, noisy(a, 8));
        double large = lpips.distance(a, noisy(a, 64));
        assertThat(small).isPositive();
        assertThat(large).isGreaterThan(small);
        assertThat(lpips.description()).contains("LPIPS");
    }

    @Test
    void evaluatorUsesLpipsForDiversityWhenGiven() throws IOException {
        List<RgbImage> imgs = EncoderBenchmark.syntheticImages(3, 64, 64, 9);
        var prompts = new dev.likeness.metrics.protocol.EvaluationProtocol("sks", "dog",
                dev.likeness.metrics.protocol.SubjectKind.LIVE, 2, 0, List.of("a {0} {1}")).prompts();
        var gen = List.of(new dev.likeness.metrics.metric.GeneratedImage(0, 0, imgs.get(0)),
                new dev.likeness.metrics.metric.GeneratedImage(0, 1, imgs.get(1)));
        try (var clip = dev.likeness.metrics.encoder.ClipEmbedder.load(dev.likeness.metrics.GoldenEval.clipModel(), 4,
                true);
             var dino = dev.likeness.metrics.encoder.DinoEmbedder.load(dev.likeness.metrics.GoldenEval.dinoModel(), 4,
                     true)) {
            var r = new dev.likeness.metrics.metric.DreamBoothEvaluator(dino, clip, lpips)
                    .evaluate(prompts, List.of(imgs.get(2)), gen, List.of());
            var div = r.overall().get(dev.likeness.metrics.metric.Metric.DIV);
            assertThat(div.count()).isEqualTo(1);
            assertThat(div.mean()).isCloseTo(lpips.distance(imgs.get(0), imgs.get(1)), within(1e-9));
            assertThat(r.diversityMethod()).contains("LPIPS");
        }
    }

    @Test
    void rejectsMismatchedSizesAndIncompleteWeights() throws IOException {
        List<RgbImage> imgs = EncoderBenchmark.syntheticImages(1, 64, 64, 1);
        RgbImage other = EncoderBenchmark.syntheticImages(1, 64, 80, 1).get(0);
        assertThatThrownBy(() -> lpips.distance(imgs.get(0), other)).hasMessageContaining("equal size");
        Path partial = tmp.resolve("partial.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            SafeTensorsWriter.write(partial, Map.of("lin0.model.1.weight", m.zeros(new Shape(1, 64, 1, 1))), Map.of());
        }
        assertThatThrownBy(() -> Lpips.load(partial)).hasMessageContaining("Missing keys")
                .hasMessageContaining("features.0.weight");
    }
}
