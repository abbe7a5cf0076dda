package dev.likeness.training;

import dev.likeness.engine.testing.Golden;
import org.junit.jupiter.api.Test;

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
    void unknownMethodListsTheValidOnes() {
        assertThatThrownBy(() -> Methods.byId("hypernetwork"))
                .hasMessageContaining("dreambooth, textual-inversion, svdiff, lora");
    }
}
