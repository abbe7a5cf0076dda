package dev.likeness.training.checkpoint;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingCheckpointTest {

    @TempDir
    Path tmp;

    @Test
    void writesAtomicallyAndFindsTheLatest() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int step : new int[] {5, 10, 2}) {
                TrainingCheckpoint.write(tmp, step, 42, "lora", Map.of("a", m.create(new float[] {step})),
                        Map.of("step", m.create(new long[] {step})), List.of(1f, 0.5f), "cfg");
            }
            try (Stream<Path> s = Files.list(tmp)) {
                assertThat(s.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("checkpoint-2", "checkpoint-5", "checkpoint-10");
            }
            Path latest = TrainingCheckpoint.latest(tmp).orElseThrow();
            assertThat(latest.getFileName().toString()).isEqualTo("checkpoint-10");
            TrainingCheckpoint c = TrainingCheckpoint.read(latest);
            assertThat(c.step()).isEqualTo(10);
            assertThat(c.seed()).isEqualTo(42);
            assertThat(c.method()).isEqualTo("lora");
            assertThat(c.losses()).containsExactly(1f, 0.5f);
            assertThat(c.loadTrainable(m).get("a").toFloatArray()).containsExactly(10f);
        }
    }

    @Test
    void missingFolderIsNotACheckpoint() throws IOException {
        assertThat(TrainingCheckpoint.latest(tmp.resolve("none"))).isEmpty();
        assertThatThrownBy(() -> TrainingCheckpoint.read(tmp)).hasMessageContaining("not a training checkpoint");
    }
}
