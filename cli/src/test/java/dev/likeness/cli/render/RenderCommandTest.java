package dev.likeness.cli.render;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.cli.LikenessCli;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.engine.pipeline.Images;
import dev.likeness.engine.testing.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    /**
     * Spectral shifts on two tiny-sd weights: applied at weight 1 the render changes; at weight 0 it is the base
     * model's render byte for byte (σ + 0·δ = σ).
     */
    @Test
    void appliesSpectralShiftsWithWeights(@TempDir Path tmp) throws IOException {
        Path shifts = tmp.resolve("spectral_shifts.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            // conv_in: [32, 4, 3, 3] -> min(32, 36) = 32 values; conv_out: [4, 32, 3, 3] -> min(4, 288) = 4
            SafeTensorsWriter.write(shifts, Map.of(
                    "conv_in.delta", m.full(new Shape(32), 0.8f),
                    "conv_out.delta", m.full(new Shape(4), -0.3f)), Map.of("method", "svdiff"));
        }
        Path base = render(tmp, "base.png");
        Path shifted = render(tmp, "shifted.png", "--svdiff", shifts.toString());
        Path zero = render(tmp, "zero.png", "--svdiff", shifts + ":0");
        assertThat(Files.readAllBytes(zero)).isEqualTo(Files.readAllBytes(base));
        assertThat(Files.readAllBytes(shifted)).isNotEqualTo(Files.readAllBytes(base));
    }

    @Test
    void unreadableArtifactFails(@TempDir Path tmp) throws IOException {
        Path bogus = tmp.resolve("bogus.safetensors");
        Files.writeString(bogus, "not a safetensors file");
        assertThat(LikenessCli.run("render", "--model", Golden.path("tiny-sd").toString(), "--prompt", "x",
                "--steps", "2", "--lora", bogus.toString(), "--output", tmp.resolve("o.png").toString(), "--quiet"))
                .isNotZero();
        assertThat(Files.exists(tmp.resolve("o.png"))).isFalse();
    }

    private static Path render(Path tmp, String name, String... extra) {
        Path out = tmp.resolve(name);
        List<String> args = new ArrayList<>(List.of("render", "--model", Golden.path("tiny-sd").toString(),
                "--prompt", "a photo of sks dog", "--seed", "7", "--steps", "3", "--scheduler", "ddim",
                "--svd-cache", tmp.resolve("svd").toString(), "--output", out.toString(), "--quiet"));
        args.addAll(List.of(extra));
        assertThat(LikenessCli.run(args.toArray(String[]::new))).isZero();
        return out;
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
