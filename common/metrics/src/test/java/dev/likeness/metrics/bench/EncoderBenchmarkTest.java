package dev.likeness.metrics.bench;

import dev.likeness.metrics.GoldenEval;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

class EncoderBenchmarkTest {

    @Test
    void measuresBothEncodersAtBatchEight() throws IOException {
        EncoderBenchmark.Result r = EncoderBenchmark.run(GoldenEval.clipModel(), GoldenEval.dinoModel(), 8, 512, 512,
                2);
        System.out.println("[bench] tiny encoders (golden tiny-clip / tiny-dino):\n" + r.describe());
        assertThat(r.clip().batchSize()).isEqualTo(8);
        assertThat(r.clip().images()).isEqualTo(16);
        assertThat(r.clip().embedMsPerImage()).isPositive().isGreaterThanOrEqualTo(r.clip().preprocessMsPerImage()
                * 0.5);
        assertThat(r.dino().embedMsPerImage()).isPositive();
        assertThat(r.describe()).contains("clip", "dino", "ms/image");
    }
}
