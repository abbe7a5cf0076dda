package dev.likeness.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.training.data.LatentDistribution;
import dev.likeness.training.loop.Trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures training-step cost per method on a model folder: mean wall time per optimizer step after warm-up and the
 * process's peak resident memory. Uses random latents (no VAE pass), so it isolates the step itself. Called by the
 * CLI's {@code bench} command.
 */
public final class TrainingBenchmark {

    /**
     * @param msPerStep       mean milliseconds per optimizer step (after warm-up)
     * @param peakRssMb       peak resident set size of the process so far (VmHWM), MiB
     * @param trainableParams number of trained scalars
     */
    public record Result(String method, int resolution, int batchSize, int steps, double msPerStep, long peakRssMb,
                         long trainableParams) {
        @Override
        public String toString() {
            return String.format("%-18s %4d px  batch %d  %8.1f ms/step  peak RSS %6d MiB  %,d trainable", method,
                    resolution, batchSize, msPerStep, peakRssMb, trainableParams);
        }
    }

    private TrainingBenchmark() {
    }

    /**
     * Runs {@code warmup + steps} optimizer steps of {@code methodId} with prior preservation off.
     *
     * @param resolution pixel resolution (latents are resolution / VAE factor)
     */
    public static Result measure(Path modelDir, String methodId, int resolution, int batchSize, int warmup, int steps)
            throws IOException {
        return measure(modelDir, methodId, resolution, batchSize, warmup, steps, "dog");
    }

    /**
     * As {@link #measure(Path, String, int, int, int, int)} with another Textual Inversion initializer word (it must
     * be a single token of the folder's tokenizer; the random tiny tokenizer has no "dog").
     */
    public static Result measure(Path modelDir, String methodId, int resolution, int batchSize, int warmup, int steps,
                                 String initializerToken) throws IOException {
        TrainingConfig cfg = TrainingConfig.builder(methodId).instancePrompt("a photo of {id} dog")
                .initializerToken(initializerToken).classNoun("dog").resolution(resolution).batchSize(batchSize)
                .maxSteps(warmup + steps).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainingModel model = TrainingModels.load(modelDir, manager);
            try (Trainer trainer = new Trainer(model, Methods.byId(methodId), cfg, manager)) {
                int factor = vaeDownscale(model);
                int side = resolution / factor;
                NDManager dataManager = manager.newSubManager();
                NDArray mean = dataManager.randomNormal(0, 1, new Shape(2, 4, side, side), DataType.FLOAT32);
                NDArray std = dataManager.full(new Shape(2, 4, side, side), 0.01f);
                trainer.useData(new LatentDistribution(mean, std), null);
                for (int i = 0; i < warmup; i++) {
                    trainer.runStep();
                }
                long start = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    trainer.runStep();
                }
                double ms = (System.nanoTime() - start) / 1e6 / Math.max(1, steps);
                long params = trainer.method().trainables().stream().mapToLong(t -> t.array().size()).sum();
                return new Result(methodId, resolution, batchSize, steps, ms, peakRssMb(), params);
            }
        }
    }

    private static int vaeDownscale(TrainingModel model) {
        if (model.vae() instanceof dev.likeness.engine.model.vae.AutoencoderKL vae) {
            return vae.config().downscaleFactor();
        }
        return 8;
    }

    /** Peak resident memory of this process in MiB (Linux VmHWM; 0 elsewhere). */
    public static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
