package dev.likeness.worldmodels.vae;

import ai.djl.ndarray.NDManager;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.dataset.WorldConfig;
import dev.likeness.world.dataset.WorldDataset;
import dev.likeness.worldmodels.CommandOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code WorldModelsTool vae}: trains the world VAE, resumable.
 *
 * <pre>
 * vae --checkpoint-dir DIR [--steps 3000] [--resume] [--out VAE_FOLDER] [--threads 1] [--batch 32]
 *     [--channels 32,64,64] [--groups 16] [--lr 1e-3] [--warmup 100] [--pool 16384] [--seed 20260508]
 *     [--checkpoint-every 250] [--log-every 25] [--eval 256] [--object-weight 1]
 *     [--generic-marks 0] [--bench N]
 * </pre>
 *
 * Appends {@code step,loss,l1,mse,kl,lr,grad_norm,seconds} to {@code DIR/loss.csv}. At the end writes a final
 * checkpoint, the diffusers folder to {@code --out} (scaling factor from 2,048 training images) and prints the
 * held-out PSNR of {@code --eval} images, over all pixels and over object pixels. {@code --bench N} only times N
 * steps (after 2 warm-up steps) and exits; {@code --evaluate VAE_FOLDER} only prints the two PSNRs of that folder.
 * {@code --generic-marks F} replaces a fraction F of the training pool by {@link GenericMarks} images.
 */
public final class VaeCommand {

    private static final Set<String> OPTIONS = Set.of(
            "batch", "bench", "channels", "checkpoint-dir", "checkpoint-every", "eval", "evaluate", "generic-marks",
            "groups", "log-every", "lr", "object-weight", "out", "pool", "seed", "steps", "threads", "warmup");
    private static final Set<String> FLAGS = Set.of("resume");

    private VaeCommand() {
    }

    public static void run(String[] args) throws IOException {
        Map<String, String> o = CommandOptions.parse("vae", List.of(args), OPTIONS, FLAGS);
        String threads = o.getOrDefault("threads", "1");
        // must be set before the engine starts
        System.setProperty("ai.djl.pytorch.num_threads", threads);
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        VaeRecipe recipe = VaeRecipe.world();
        if (o.containsKey("channels")) {
            List<Integer> ch = new ArrayList<>();
            for (String s : o.get("channels").split(",")) {
                ch.add(Integer.parseInt(s.trim()));
            }
            recipe = recipe.withArchitecture(ch, Integer.parseInt(o.getOrDefault("groups",
                    String.valueOf(recipe.normNumGroups()))));
        } else if (o.containsKey("groups")) {
            recipe = recipe.withArchitecture(recipe.blockOutChannels(), Integer.parseInt(o.get("groups")));
        }
        recipe = recipe.withSteps(Integer.parseInt(o.getOrDefault("steps", String.valueOf(recipe.steps()))))
                .withBatchSize(Integer.parseInt(o.getOrDefault("batch", String.valueOf(recipe.batchSize()))))
                .withLearningRate(Float.parseFloat(o.getOrDefault("lr", String.valueOf(recipe.learningRate()))),
                        Integer.parseInt(o.getOrDefault("warmup", String.valueOf(recipe.warmupSteps()))))
                .withSeed(Long.parseLong(o.getOrDefault("seed", String.valueOf(recipe.seed()))))
                .withObjectWeight(Float.parseFloat(o.getOrDefault("object-weight",
                        String.valueOf(recipe.objectWeight()))));
        int poolSize = Integer.parseInt(o.getOrDefault("pool", "16384"));
        int checkpointEvery = Integer.parseInt(o.getOrDefault("checkpoint-every", "250"));
        int logEvery = Integer.parseInt(o.getOrDefault("log-every", "25"));
        int evalImages = Integer.parseInt(o.getOrDefault("eval", "256"));
        WorldConfig world = WorldConfig.defaults().withImageSize(recipe.imageSize());
        ImagePool pool = new ImagePool(new WorldDataset(world, Split.TRAIN), poolSize,
                Double.parseDouble(o.getOrDefault("generic-marks", "0")), recipe.seed());

        try (NDManager manager = NDManager.newBaseManager()) {
            if (o.containsKey("evaluate")) {
                evaluate(Path.of(o.get("evaluate")), world, Integer.parseInt(o.getOrDefault("eval", "256")), manager);
                return;
            }
            if (o.containsKey("bench")) {
                bench(recipe, pool, manager, Integer.parseInt(o.get("bench")));
                return;
            }
            Path ckptDir = Path.of(CommandOptions.required("vae", o, "checkpoint-dir"));
            Files.createDirectories(ckptDir);
            Optional<Path> latest = o.containsKey("resume") ? VaeTrainer.latestCheckpoint(ckptDir) : Optional.empty();
            VaeTrainer trainer = latest.isPresent()
                    ? VaeTrainer.resume(latest.get(), recipe, pool, manager)
                    : VaeTrainer.start(recipe, pool, manager);
            try (trainer) {
                Path csv = ckptDir.resolve("loss.csv");
                prepareCsv(csv, trainer.step());
                System.out.printf(Locale.ROOT, "VAE %s groups %d: %,d parameters, batch %d, steps %d -> %d%s%n",
                        recipe.blockOutChannels(), recipe.normNumGroups(), trainer.model().parameterCount(),
                        recipe.batchSize(), trainer.step(), recipe.steps(),
                        latest.map(p -> " (resumed from " + p + ")").orElse(""));
                long start = System.nanoTime();
                int first = trainer.step();
                while (trainer.step() < recipe.steps()) {
                    VaeTrainer.StepStats s = trainer.trainStep();
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Files.writeString(csv, String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.3f,%.6g,%.4f,%.1f%n",
                            s.step() + 1, s.loss(), s.l1(), s.mse(), s.kl(), s.learningRate(), s.gradNorm(), seconds),
                            StandardOpenOption.APPEND);
                    if (trainer.step() % logEvery == 0) {
                        double rate = (trainer.step() - first) / seconds;
                        System.out.printf(Locale.ROOT, "step %d/%d loss %.5f l1 %.5f mse %.5f kl %.1f lr %.2e "
                                        + "|g| %.3f  %.2f s/step, eta %.0f s%n", trainer.step(), recipe.steps(),
                                s.loss(), s.l1(), s.mse(), s.kl(), s.learningRate(), s.gradNorm(), 1 / rate,
                                (recipe.steps() - trainer.step()) / rate);
                    }
                    if (checkpointEvery > 0 && trainer.step() % checkpointEvery == 0) {
                        trainer.checkpoint(ckptDir);
                    }
                }
                Path last = trainer.checkpoint(ckptDir);
                System.out.printf(Locale.ROOT, "trained to step %d in %.0f s; checkpoint %s%n", trainer.step(),
                        (System.nanoTime() - start) / 1e9, last);
                if (o.containsKey("out")) {
                    Path out = Path.of(o.get("out"));
                    double scaling = trainer.exportFolder(out, pool, Math.min(2048, pool.size()));
                    System.out.printf(Locale.ROOT, "wrote %s (scaling_factor %.5f)%n", out, scaling);
                }
                if (evalImages > 0) {
                    printHeldOutPsnr("", trainer.model(), world, evalImages, manager);
                }
            }
        }
    }

    private static void evaluate(Path folder, WorldConfig world, int images, NDManager manager) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            printHeldOutPsnr(folder + ": ", AutoencoderKL.load(folder, m), world, images, m);
        }
    }

    private static void printHeldOutPsnr(String prefix, AutoencoderKL vae, WorldConfig world, int images,
                                         NDManager manager) {
        ImagePool heldOut = new ImagePool(new WorldDataset(world, Split.HELD_OUT), images);
        System.out.printf(Locale.ROOT, "%sheld-out PSNR over %d images: %.2f dB (object pixels: %.2f dB)%n", prefix,
                images, VaeQuality.meanPsnr(vae, heldOut, images, 64, manager),
                VaeQuality.meanObjectPsnr(vae, heldOut, images, 64, manager));
    }

    private static void bench(VaeRecipe recipe, ImagePool pool, NDManager manager, int steps) {
        try (VaeTrainer trainer = VaeTrainer.start(recipe, pool, manager)) {
            // render the images of the timed steps first: the bench times the step, not the world renderer
            for (int s = 0; s < steps + 2; s++) {
                for (int i : trainer.batchIndices(s)) {
                    pool.rgb(i);
                }
            }
            trainer.trainStep();
            trainer.trainStep();
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                trainer.trainStep();
            }
            System.out.printf(Locale.ROOT, "VAE %s groups %d: %,d parameters, batch %d: %.0f ms/step%n",
                    recipe.blockOutChannels(), recipe.normNumGroups(), trainer.model().parameterCount(),
                    recipe.batchSize(), (System.nanoTime() - start) / 1e6 / steps);
        }
    }

    // keeps the rows up to the resumed step, so the file is the curve of this run
    private static void prepareCsv(Path csv, int step) throws IOException {
        List<String> keep = new ArrayList<>();
        keep.add("step,loss,l1,mse,kl,lr,grad_norm,seconds");
        if (step > 0 && Files.exists(csv)) {
            for (String line : Files.readAllLines(csv)) {
                if (!line.isEmpty() && Character.isDigit(line.charAt(0))
                        && Integer.parseInt(line.substring(0, line.indexOf(','))) <= step) {
                    keep.add(line);
                }
            }
        }
        Files.write(csv, keep);
    }
}
