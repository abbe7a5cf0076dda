package dev.likeness.cli.render;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.cli.LikenessCli;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.pipeline.Images;
import dev.likeness.engine.testing.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code likeness render} in-process on the golden tiny-sd with the golden initial latents. */
class RenderCommandTest {

    @Test
    void reproducesGoldenImage(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out.png");
        Path latents = tmp.resolve("latents.safetensors");
        Path golden = Golden.path("ddim_sampling_loop.safetensors");
        int rc = LikenessCli.run("render", "--model", Golden.path("tiny-sd").toString(),
                "--prompt", "a photo of sks dog", "--latents", golden.toString(), "--steps", "20",
                "--scheduler", "ddim", "--guidance", "7.5", "--output", out.toString(),
                "--save-latents", latents.toString(), "--quiet");
        assertThat(rc).isZero();
        assertThat(out).exists();
        try (NDManager m = NDManager.newBaseManager();
             SafeTensorsFile g = SafeTensorsFile.open(golden);
             SafeTensorsFile l = SafeTensorsFile.open(latents)) {
            NDArray png = Images.readImage(out, m);
            NDArray expected = g.load("image01", m);
            assertThat(png.getShape()).isEqualTo(expected.getShape());
            // the PNG holds round(x·255): within half a level (plus the 1e-3 parity tolerance) of the golden float
            float err = png.sub(expected).abs().max().getFloat();
            assertThat(err).isLessThanOrEqualTo(0.5f / 255f + 1e-3f);
            NDArray finalLatents = g.load("latents_after_step", m).get(19);
            assertThat(l.load("latents", m).sub(finalLatents).abs().max().getFloat()).isLessThanOrEqualTo(1e-3f);
        }
    }

    @Test
    void badArgumentsFailWithUsage(@TempDir Path tmp) {
        assertThat(LikenessCli.run("render", "--prompt", "x", "--output", tmp.resolve("o.png").toString()))
                .isNotZero();
        assertThat(LikenessCli.run("render", "--model", tmp.resolve("missing").toString(), "--prompt", "x",
                "--output", tmp.resolve("o.png").toString(), "--quiet")).isNotZero();
        assertThat(Files.exists(tmp.resolve("o.png"))).isFalse();
    }
}
