package dev.likeness.renderer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.training.Methods;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.TrainingModels;
import dev.likeness.training.data.TrainingImages;
import dev.likeness.training.loop.Trainer;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test inputs made on the spot: subject images drawn with Java2D and a real (one-step) trained artifact. */
public final class TinyJobs {

    private TinyJobs() {
    }

    /** {@code count} 64×64 PNGs of a striped vase at different places. */
    public static Path vaseImages(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(200 - 20 * i, 220, 180 + 10 * i));
            g.fillRect(0, 0, 64, 64);
            g.setColor(new Color(30, 60, 160));
            g.fillOval(18 + 3 * i, 20, 26, 34);
            g.setColor(Color.ORANGE);
            g.fillRect(18 + 3 * i, 34, 26, 4);
            g.dispose();
            ImageIO.write(img, "png", dir.resolve("vase-" + i + ".png").toFile());
        }
        return dir;
    }

    /**
     * Trains {@code method} for {@code steps} steps on the images, as the trainer service would for a job with the
     * default instance prompt, and writes the artifact folder.
     */
    public static Path train(String method, Path model, Path images, Path artifact, int steps) throws IOException {
        TrainingConfig.Builder b = TrainingConfig.builder(method)
                .instanceImages(images)
                .instancePrompt("a photo of {id} vase")
                .classNoun("vase")
                .resolution(64)
                .maxSteps(steps)
                .seed(0)
                .learningRate(1e-3f)
                .checkpointEvery(0);
        if (method.equals("textual-inversion")) {
            b.initializerToken("action"); // "vase" is several tokens in the tiny vocabulary
        }
        TrainingConfig cfg = b.build();
        try (NDManager root = NDManager.newBaseManager()) {
            TrainingModel loaded = TrainingModels.load(model, root);
            try (Trainer trainer = new Trainer(loaded, Methods.byId(method), cfg, root)) {
                NDArray pixels = TrainingImages.load(TrainingImages.list(images), 64, true, root);
                trainer.useImages(pixels, null);
                for (int i = 0; i < steps; i++) {
                    trainer.runStep();
                }
                trainer.writeArtifact(artifact);
            }
        }
        return artifact;
    }
}
