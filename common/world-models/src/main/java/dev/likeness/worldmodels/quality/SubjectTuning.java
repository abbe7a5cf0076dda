package dev.likeness.worldmodels.quality;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.training.Methods;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModels;
import dev.likeness.training.loop.Trainer;
import dev.likeness.training.loop.TrainingResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Fine-tunes a fresh copy of a base model on a subject with one of the training module's methods, the way
 * {@code likeness train} drives the {@link Trainer}, and hands the tuned model to a caller while the method is still
 * attached (SVDiff's spectral shifts, DreamBooth's updated UNet). Each call loads its own model, so no run changes
 * another's base weights.
 */
final class SubjectTuning {

    /** What a tuned model is used for; runs before the trainer detaches the method. */
    @FunctionalInterface
    interface Use<T> {
        T apply(StableDiffusionModel tuned, TrainingResult training);
    }

    private static final int LOG_EVERY = 50;

    private SubjectTuning() {
    }

    /**
     * @param cfg         the run (method, prompts, steps, learning rate, resolution, seed); with prior preservation
     *                    configured, {@code classImages} are the class images
     * @param photos      the subject's photos at {@code cfg.resolution()}
     * @param classImages prior-preservation images, or an empty list
     * @param log         receives a progress line every few steps
     */
    static <T> T tune(Path baseFolder, TrainingConfig cfg, List<RgbImage> photos, List<RgbImage> classImages,
                      Consumer<String> log, Use<T> use) throws IOException {
        if (photos.isEmpty()) {
            throw new IllegalArgumentException("no subject photos to fine-tune on");
        }
        if (cfg.withPriorPreservation() == classImages.isEmpty()) {
            throw new IllegalArgumentException("prior preservation is " + (cfg.withPriorPreservation() ? "on" : "off")
                    + " but " + classImages.size() + " class images were given");
        }
        try (StableDiffusionModel sd = StableDiffusionModel.load(baseFolder);
             NDManager data = sd.manager().newSubManager()) {
            NDArray instance = pixels(photos, cfg.resolution(), data);
            NDArray classes = classImages.isEmpty() ? null : pixels(classImages, cfg.resolution(), data);
            try (Trainer trainer = new Trainer(TrainingModels.from(sd), Methods.byId(cfg.method()), cfg, data)) {
                trainer.useImages(instance, classes);
                TrainingResult result = trainer.train(p -> {
                    if (p.step() % LOG_EVERY == 0 || p.step() == p.maxSteps()) {
                        log.accept(String.format(Locale.ROOT, "%s step %d/%d loss %.4f (%.1f steps/s)", cfg.method(),
                                p.step(), p.maxSteps(), p.loss(), p.stepsPerSecond()));
                    }
                }, (step, model, prompt) -> { });
                return use.apply(sd, result);
            }
        }
    }

    /** {@code [n, 3, size, size]} in [-1, 1], as the trainer's image loader makes them. */
    static NDArray pixels(List<RgbImage> images, int size, NDManager manager) {
        int plane = size * size;
        float[] data = new float[images.size() * 3 * plane];
        for (int i = 0; i < images.size(); i++) {
            RgbImage img = images.get(i);
            if (img.width() != size || img.height() != size) {
                throw new IllegalArgumentException("training image " + i + " is " + img.width() + "x" + img.height()
                        + " but the run trains at " + size + "x" + size);
            }
            int base = i * 3 * plane;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    for (int c = 0; c < 3; c++) {
                        data[base + c * plane + y * size + x] = (img.get(x, y, c) / 255f - 0.5f) / 0.5f;
                    }
                }
            }
        }
        return manager.create(data, new Shape(images.size(), 3, size, size));
    }
}
