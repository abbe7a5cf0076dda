package dev.likeness.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.training.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingImagesTest {

    @TempDir
    Path tmp;

    @Test
    void loadsResizesAndCropsToMinusOneOne() throws IOException {
        Path dir = TestImages.write(tmp.resolve("imgs"), 3, 50, 80, 3);
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        List<Path> files = TrainingImages.list(dir);
        assertThat(files).hasSize(3);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = TrainingImages.load(files, 32, true, m);
            assertThat(a.getShape()).isEqualTo(new Shape(3, 3, 32, 32));
            assertThat(a.min().getFloat()).isGreaterThanOrEqualTo(-1f);
            assertThat(a.max().getFloat()).isLessThanOrEqualTo(1f);
        }
    }

    @Test
    void shortestSideThenCenterCrop() {
        byte[] px = new byte[60 * 30 * 3];
        // left third red, rest black: after resize to 16 wide and crop the center, red must be gone from the crop
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 20; x++) {
                px[(y * 60 + x) * 3] = (byte) 255;
            }
        }
        RgbImage out = TrainingImages.prepare(new RgbImage(60, 30, px), 16, true);
        assertThat(out.width()).isEqualTo(16);
        assertThat(out.height()).isEqualTo(16);
        assertThat(out.get(8, 8, 0)).isZero();
    }

    @Test
    void clearErrorsForMissingEmptyAndCorruptInput() throws IOException {
        assertThatThrownBy(() -> TrainingImages.list(tmp.resolve("nope"))).hasMessageContaining("does not exist");
        Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> TrainingImages.list(tmp.resolve("empty"))).hasMessageContaining("no PNG or JPEG");
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("broken.png"), "not an image");
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> TrainingImages.load(TrainingImages.list(bad), 32, true, m))
                    .hasMessageContaining("broken.png");
        }
    }
}
