package dev.likeness.worldmodels.clip;

import dev.likeness.world.dataset.Split;
import dev.likeness.worldmodels.CommandOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code clip}: trains the world CLIP (resumable) and writes the evaluator's folder.
 *
 * <pre>
 * clip --steps 1500 --checkpoint-dir ckpt/clip [--resume] [--threads 1] [--out folder] [--checkpoint-every 100]
 *      [--pool 20000] [--batch 128] [--eval-images 512] [--fp32] [--init-from exported-folder]
 *      [--aux-weight 0] [--lr 1e-3] [--warmup 60] [--split train|all] [--data-seed S]
 * </pre>
 * {@code --split all} trains on every composition, held-out ones included (a judge may see them: the held-out split
 * tests the base model), from the world with data seed {@code --data-seed} (default: the recipe's; choose another so
 * that the pool and the held-out evaluation images differ; pass the same two when resuming).
 * <p>Every checkpoint also exports the folder to {@code --out} (float16 unless {@code --fp32}) and logs the zero-shot
 * accuracy on held-out world images. {@code clip --evaluate <folder> [--eval-images 512]} only measures a finished
 * folder's zero-shot accuracy (every {@link ZeroShotClassifier.Prompting}, held-out and training images).
 */
public final class ClipCommand {

    private static final Set<String> OPTIONS = Set.of(
            "aux-weight", "batch", "checkpoint-dir", "checkpoint-every", "data-seed", "eval-images", "evaluate",
            "init-from", "lr", "out", "pool", "split", "steps", "threads", "warmup");
    private static final Set<String> FLAGS = Set.of("resume", "fp32");

    private ClipCommand() {
    }

    public static void main(String[] args) throws IOException {
        run(args);
    }

    /** {@code WorldModelsTool clip …}: logs to standard output. */
    public static void run(String[] args) throws IOException {
        run(List.of(args), System.out);
    }

    /** Runs the command. */
    public static void run(List<String> args, PrintStream log) throws IOException {
        Map<String, String> opt = CommandOptions.parse("clip", args, OPTIONS, FLAGS);
        int threads = Integer.parseInt(opt.getOrDefault("threads", "1"));
        // before the engine starts: libtorch reads these once
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        ClipRecipe recipe = ClipRecipe.defaults();
        int evalImages = Integer.parseInt(opt.getOrDefault("eval-images", "512"));
        if (opt.containsKey("evaluate")) {
            evaluate(Path.of(opt.get("evaluate")), recipe, evalImages, log);
            return;
        }
        if (opt.containsKey("steps")) {
            recipe = recipe.withSteps(Integer.parseInt(opt.get("steps")));
        }
        recipe = recipe.withData(Integer.parseInt(opt.getOrDefault("pool", Integer.toString(recipe.poolSize()))),
                Integer.parseInt(opt.getOrDefault("batch", Integer.toString(recipe.batchSize()))));
        if (opt.containsKey("aux-weight")) {
            recipe = recipe.withAuxWeight(Float.parseFloat(opt.get("aux-weight")));
        }
        if (opt.containsKey("lr") || opt.containsKey("warmup")) {
            recipe = recipe.withLearningRate(Float.parseFloat(opt.getOrDefault("lr",
                    Float.toString(recipe.learningRate()))), Integer.parseInt(opt.getOrDefault("warmup",
                    Integer.toString(recipe.warmupSteps()))));
        }
        Path ckpt = Path.of(CommandOptions.required("clip", opt, "checkpoint-dir"));
        Path out = opt.containsKey("out") ? Path.of(opt.get("out")) : null;
        int every = Integer.parseInt(opt.getOrDefault("checkpoint-every", "100"));
        boolean half = !opt.containsKey("fp32");

        log.println("recipe " + recipe);
        long t0 = System.nanoTime();
        Split split = Split.ofId(opt.getOrDefault("split", Split.TRAIN.id()));
        if (split == Split.HELD_OUT) {
            throw new IllegalArgumentException("clip: --split must be train or all, not held-out alone");
        }
        long dataSeed = Long.parseLong(opt.getOrDefault("data-seed", Long.toString(recipe.dataSeed())));
        ImagePool pool = ClipTrainer.trainingPool(recipe, split, dataSeed,
                n -> log.println("rendered " + n + " training images"));
        ZeroShotAccuracy.Labelled heldOut = ZeroShotAccuracy.render(recipe.worldConfig(), Split.HELD_OUT,
                evalImages);
        log.printf(Locale.ROOT, "data ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        try (ClipTrainer trainer = new ClipTrainer(recipe, pool)) {
            if (opt.containsKey("resume")) {
                trainer.resume(ckpt);
                log.println("resumed at step " + trainer.step());
            } else if (opt.containsKey("init-from")) {
                trainer.initializeFrom(Path.of(opt.get("init-from")));
                log.println("weights from " + opt.get("init-from"));
            }
            long start = System.nanoTime();
            int first = trainer.step();
            while (trainer.step() < recipe.steps()) {
                ClipTrainer.StepStats s = trainer.runStep();
                if (s.step() % 10 == 0) {
                    double ms = (System.nanoTime() - start) / 1e6 / (trainer.step() - first);
                    log.printf(Locale.ROOT, "step %d loss %.4f acc %.3f aux %.4f aux-class %.3f lr %.2e scale %.1f "
                                    + "norm %.2f (%.0f ms/step)%n", s.step(), s.loss(), s.batchAccuracy(), s.auxLoss(),
                            s.auxClassAccuracy(), s.learningRate(), s.logitScale(), s.gradNorm(), ms);
                }
                if (trainer.step() % every == 0 || trainer.step() == recipe.steps()) {
                    checkpoint(trainer, ckpt, out, half, heldOut, log);
                }
            }
            if (out != null) {
                trainer.export(out, half);
            }
            log.printf(Locale.ROOT, "done: %d steps, %.1f min of training this run%n", trainer.step(),
                    (System.nanoTime() - start) / 6e10);
        }
    }

    private static void evaluate(Path folder, ClipRecipe recipe, int images, PrintStream log) throws IOException {
        for (Split split : new Split[]{Split.HELD_OUT, Split.TRAIN}) {
            ZeroShotAccuracy.Labelled data = ZeroShotAccuracy.render(recipe.worldConfig(), split, images);
            for (ZeroShotClassifier.Prompting p : ZeroShotClassifier.Prompting.values()) {
                long t0 = System.nanoTime();
                try (ZeroShotClassifier c = ZeroShotClassifier.load(folder, p)) {
                    ZeroShotAccuracy acc = ZeroShotAccuracy.measure(c, data);
                    log.printf(Locale.ROOT, "%s %s: %s (%.1f s)%n", split.id(), p, acc,
                            (System.nanoTime() - t0) / 1e9);
                }
            }
        }
    }

    private static void checkpoint(ClipTrainer trainer, Path ckpt, Path out, boolean half,
                                   ZeroShotAccuracy.Labelled heldOut, PrintStream log) throws IOException {
        trainer.saveCheckpoint(ckpt);
        if (out != null) {
            trainer.export(out, half);
        }
        for (ZeroShotClassifier.Prompting p : ZeroShotClassifier.Prompting.values()) {
            try (ZeroShotClassifier c = trainer.classifier(p)) {
                log.println("step " + trainer.step() + " zero-shot " + p + ": " + ZeroShotAccuracy.measure(c, heldOut));
            }
        }
    }
}
