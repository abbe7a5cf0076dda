package dev.likeness.worldmodels.dino;

import ai.djl.ndarray.NDManager;
import dev.likeness.metrics.encoder.DinoEmbedder;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.world.dataset.HeldOutRule;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.dataset.WorldConfig;
import dev.likeness.world.dataset.WorldDataset;
import dev.likeness.world.scene.ObjectClass;
import dev.likeness.world.subject.Subject;
import dev.likeness.world.subject.SubjectBundle;
import dev.likeness.world.subject.SubjectPhoto;
import dev.likeness.world.subject.SubjectPhotos;
import dev.likeness.worldmodels.CommandOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code WorldModelsTool dino}: trains the world DINO-style encoder, resumable.
 *
 * <pre>
 * dino --checkpoint-dir DIR [--steps 1400] [--resume] [--out VIT_FOLDER] [--threads 1] [--batch 32]
 *      [--hidden 128 --layers 4 --heads 4] [--lr 1e-3] [--warmup 50] [--pool 16] [--refresh 16]
 *      [--prototype-weight 1]
 *      [--seed 20260508] [--checkpoint-every 100] [--log-every 10] [--bench N]
 * dino --check VIT_FOLDER
 * dino --export CHECKPOINT --out VIT_FOLDER [architecture options as trained]
 * </pre>
 *
 * {@code --batch} counts identities (two views each); {@code --prototype-weight 0} trains with the contrastive loss
 * only. Appends {@code step,loss,contrastive,prototype,accuracy,prototype_accuracy,lr,grad_norm,seconds} to
 * {@code DIR/loss.csv}. At the end writes a final checkpoint and, with {@code --out}, the evaluator folder, then
 * prints the subject separation check on it ({@code --check} prints only that).
 */
public final class DinoCommand {

    private static final Set<String> OPTIONS = Set.of(
            "batch", "bench", "check", "checkpoint-dir", "checkpoint-every", "export", "heads", "hidden", "layers",
            "log-every", "lr", "out", "pool", "prototype-weight", "refresh", "seed", "steps", "threads", "warmup");
    private static final Set<String> FLAGS = Set.of("resume");

    private DinoCommand() {
    }

    public static void run(String[] args) throws IOException {
        Map<String, String> o = CommandOptions.parse("dino", List.of(args), OPTIONS, FLAGS);
        // must be set before the engine starts
        System.setProperty("ai.djl.pytorch.num_threads", o.getOrDefault("threads", "1"));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        if (o.containsKey("check")) {
            check(Path.of(o.get("check")));
            return;
        }
        DinoRecipe r = recipe(o);
        if (o.containsKey("export")) {
            Path out = Path.of(CommandOptions.required("dino", o, "out"));
            DinoTrainer.exportCheckpoint(Path.of(o.get("export")), r, out);
            check(out);
            return;
        }
        train(o, r);
    }

    private static DinoRecipe recipe(Map<String, String> o) {
        DinoRecipe r = DinoRecipe.world();
        return r.withSteps(intOpt(o, "steps", r.steps()))
                .withBatch(intOpt(o, "batch", r.identitiesPerBatch()))
                .withLearningRate(Float.parseFloat(o.getOrDefault("lr", String.valueOf(r.learningRate()))),
                        intOpt(o, "warmup", r.warmupSteps()))
                .withArchitecture(intOpt(o, "hidden", r.hidden()), intOpt(o, "layers", r.layers()),
                        intOpt(o, "heads", r.heads()))
                .withPool(intOpt(o, "pool", r.poolViews()), intOpt(o, "refresh", r.refreshPerStep()))
                .withPrototypeWeight(Float.parseFloat(o.getOrDefault("prototype-weight",
                        String.valueOf(r.prototypeWeight()))))
                .withSeed(Long.parseLong(o.getOrDefault("seed", String.valueOf(r.seed()))));
    }

    private static void train(Map<String, String> o, DinoRecipe r) throws IOException {
        int checkpointEvery = intOpt(o, "checkpoint-every", 100);
        int logEvery = intOpt(o, "log-every", 10);

        long t0 = System.nanoTime();
        ViewPool pool = pool(r);
        System.out.printf(Locale.ROOT, "view pool: %d identities x %d views rendered in %.1f s%n",
                pool.identities().size(), r.poolViews(), (System.nanoTime() - t0) / 1e9);
        try (NDManager manager = NDManager.newBaseManager()) {
            if (o.containsKey("bench")) {
                bench(r, pool, manager, Integer.parseInt(o.get("bench")));
                return;
            }
            Path dir = Path.of(CommandOptions.required("dino", o, "checkpoint-dir"));
            Files.createDirectories(dir);
            Optional<Path> latest = o.containsKey("resume") ? DinoTrainer.latestCheckpoint(dir) : Optional.empty();
            try (DinoTrainer trainer = latest.isPresent() ? DinoTrainer.resume(latest.get(), r, pool, manager)
                    : DinoTrainer.start(r, pool, manager)) {
                Path csv = dir.resolve("loss.csv");
                prepareCsv(csv, trainer.step());
                System.out.printf(Locale.ROOT, "DINO ViT hidden %d, %d layers, %d heads: %,d parameters, batch %d "
                                + "(%d identities x 2 views), steps %d -> %d%s%n", r.hidden(), r.layers(), r.heads(),
                        trainer.model().parameterCount(), r.batchSize(), r.identitiesPerBatch(), trainer.step(),
                        r.steps(), latest.map(p -> " (resumed from " + p + ")").orElse(""));
                long start = System.nanoTime();
                int first = trainer.step();
                while (trainer.step() < r.steps()) {
                    DinoTrainer.StepStats s = trainer.trainStep();
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Files.writeString(csv, String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.4f,%.4f,%.6g,%.4f,%.1f%n",
                            s.step() + 1, s.loss(), s.contrastive(), s.prototype(), s.accuracy(),
                            s.prototypeAccuracy(), s.learningRate(), s.gradNorm(), seconds),
                            StandardOpenOption.APPEND);
                    if (trainer.step() % logEvery == 0) {
                        double rate = (trainer.step() - first) / seconds;
                        System.out.printf(Locale.ROOT, "step %d/%d loss %.4f (con %.4f proto %.4f) acc %.3f/%.3f lr"
                                        + " %.2e |g| %.3f  %.2f s/step, eta %.0f s%n", trainer.step(), r.steps(),
                                s.loss(), s.contrastive(), s.prototype(), s.accuracy(), s.prototypeAccuracy(),
                                s.learningRate(), s.gradNorm(), 1 / rate, (r.steps() - trainer.step()) / rate);
                    }
                    if (checkpointEvery > 0 && trainer.step() % checkpointEvery == 0) {
                        trainer.checkpoint(dir);
                    }
                }
                Path last = trainer.checkpoint(dir);
                System.out.printf(Locale.ROOT, "trained to step %d in %.0f s; checkpoint %s%n", trainer.step(),
                        (System.nanoTime() - start) / 1e9, last);
                if (o.containsKey("out")) {
                    Path out = Path.of(o.get("out"));
                    trainer.exportFolder(out);
                    System.out.println("wrote " + out);
                    check(out);
                }
            }
        }
    }

    /** The training view pool of a recipe (train-split identities, default world rule). */
    public static ViewPool pool(DinoRecipe r) {
        List<Identity> ids = Identity.training(new HeldOutRule(WorldConfig.defaults().heldOutFraction()));
        IdentityViews views = new IdentityViews(r.imageSize(), ids, r.secondObjectProbability());
        return new ViewPool(ids, views, r.poolViews(), r.refreshPerStep(), r.seed());
    }

    /** Prints the subject separation of a folder for the 32 px photos and for the bundled 64 px ones. */
    public static void check(Path folder) throws IOException {
        try (DinoEmbedder embedder = DinoEmbedder.load(folder, 64, false)) {
            Map<ObjectClass, List<RgbImage>> base = SubjectSeparation.baseImages(
                    new WorldDataset(WorldConfig.defaults().withImageSize(32), Split.TRAIN), subjectClasses(), 50);
            SubjectSeparation.Report small = SubjectSeparation.measure(embedder, photos32(), base);
            System.out.printf(Locale.ROOT, "subject photos rendered at 32 px: retrieval %.3f, min margin %.3f%n%s",
                    small.retrievalAccuracy(), small.minMargin(), small.table());
            SubjectSeparation.Report bundled = SubjectSeparation.measure(embedder, bundledPhotos(), base);
            System.out.printf(Locale.ROOT, "bundled 64 px photos (resized by the processor): retrieval %.3f, "
                    + "min margin %.3f%n%s", bundled.retrievalAccuracy(), bundled.minMargin(), bundled.table());
        }
    }

    static List<ObjectClass> subjectClasses() {
        return Arrays.stream(Subject.values()).map(Subject::objectClass).distinct().toList();
    }

    /** {@link SubjectPhotos#generate} at 32 px, per subject. */
    public static Map<Subject, List<RgbImage>> photos32() {
        Map<Subject, List<RgbImage>> out = new EnumMap<>(Subject.class);
        for (Subject s : Subject.values()) {
            List<RgbImage> list = new ArrayList<>();
            for (SubjectPhoto p : SubjectPhotos.generate(s, 32)) {
                list.add(SubjectSeparation.convert(p.image()));
            }
            out.put(s, list);
        }
        return out;
    }

    /** The shipped 64 px subject PNGs, per subject. */
    public static Map<Subject, List<RgbImage>> bundledPhotos() throws IOException {
        Map<Subject, List<RgbImage>> out = new EnumMap<>(Subject.class);
        for (Subject s : Subject.values()) {
            out.put(s, SubjectBundle.load(s).stream().map(SubjectSeparation::convert).toList());
        }
        return out;
    }

    private static void bench(DinoRecipe r, ViewPool pool, NDManager manager, int steps) {
        try (DinoTrainer t = DinoTrainer.start(r, pool, manager)) {
            t.trainStep();
            t.trainStep();
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                DinoTrainer.StepStats s = t.trainStep();
                System.out.printf(Locale.ROOT, "step %d loss %.4f%n", s.step(), s.loss());
            }
            System.out.printf(Locale.ROOT, "%.3f s/step at batch %d (%,d parameters)%n",
                    (System.nanoTime() - start) / 1e9 / steps, r.batchSize(), t.model().parameterCount());
        }
    }

    private static void prepareCsv(Path csv, int step) throws IOException {
        if (step == 0 || !Files.exists(csv)) {
            Files.writeString(csv,
                    "step,loss,contrastive,prototype,accuracy,prototype_accuracy,lr,grad_norm,seconds\n");
            return;
        }
        // drop rows after the checkpoint we resume from (they are recomputed)
        List<String> keep = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) {
            if (keep.isEmpty() || Integer.parseInt(line.substring(0, line.indexOf(','))) <= step) {
                keep.add(line);
            }
        }
        Files.write(csv, keep);
    }

    private static int intOpt(Map<String, String> o, String key, int dflt) {
        return Integer.parseInt(o.getOrDefault(key, String.valueOf(dflt)));
    }
}
