package dev.likeness.worldmodels.base;

import ai.djl.ndarray.NDManager;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.tokenizer.ClipTokenizer;
import dev.likeness.training.LearningRateScheduleKind;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.dataset.WorldConfig;
import dev.likeness.world.dataset.WorldDataset;
import dev.likeness.world.scene.SceneAttributes;
import dev.likeness.worldmodels.CommandOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code WorldModelsTool base}: trains (or continues) the world base model and writes the {@code world-sd} folder.
 *
 * <pre>
 * base --vae DIR --out DIR --checkpoint-dir DIR [--steps 6000] [--resume] [--threads 1] [--batch 32] [--pool 24000]
 *      [--lr 1e-3] [--warmup 200] [--schedule cosine] [--ema 0.995] [--checkpoint-every 500] [--seed 8]
 *      [--max-minutes M] [--init WORLD_SD_FOLDER] [--arch 64,128,1,3] [--render-threads 1] [--bench N]
 *      [--preview PNG] [--look-names 0.3] [--frozen-text-encoder CLIP_FOLDER]
 * </pre>
 *
 * {@code --frozen-text-encoder} conditions the UNet on the text tower of a CLIPModel folder (e.g. the shipped
 * world-clip) and keeps it frozen, as Stable Diffusion keeps OpenAI's CLIP; by default the text encoder trains
 * jointly with the UNet from random initialisation.
 *
 * The UNet's {@code sample_size} follows the VAE's latent side (16 for the shipped factor-2 VAE, 8 for a factor-4
 * one). {@code --resume} continues from the newest checkpoint in {@code --checkpoint-dir}; without one, {@code --init}
 * starts from the weights of an existing world-sd folder (e.g. the shipped one) with a fresh optimizer.
 * The latent pool is encoded once and kept in the checkpoint folder; {@code loss.csv} there gets one line per 50
 * steps (wall time accumulates over resumed runs). With {@code --bench N} it times N steps and exits.
 */
public final class BaseCommand {

    private static final Set<String> OPTIONS = Set.of(
            "arch", "batch", "bench", "checkpoint-dir", "checkpoint-every", "ema", "frozen-text-encoder", "init",
            "look-names", "lr", "max-minutes", "out", "pool", "preview", "render-threads", "schedule", "seed", "steps",
            "threads", "vae", "warmup");
    private static final Set<String> FLAGS = Set.of("resume");

    private static final int LOG_EVERY = 50;

    private BaseCommand() {
    }

    public static void run(String[] args) throws Exception {
        Map<String, String> o = CommandOptions.parse("base", List.of(args), OPTIONS, FLAGS);
        // libtorch reads its thread count when the engine starts: set it before anything touches DJL
        String threads = o.getOrDefault("threads", "1");
        System.setProperty("ai.djl.pytorch.num_threads", threads);
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.offline", "true");

        BaseTrainingConfig cfg = BaseTrainingConfig.defaults(Integer.parseInt(o.getOrDefault("steps", "6000")));
        cfg = cfg.withBatch(Integer.parseInt(o.getOrDefault("batch", "32")),
                Integer.parseInt(o.getOrDefault("pool", "24000")));
        cfg = cfg.withLearningRate(Float.parseFloat(o.getOrDefault("lr", "1e-3")),
                Integer.parseInt(o.getOrDefault("warmup", "200")),
                LearningRateScheduleKind.valueOf(o.getOrDefault("schedule", "cosine").toUpperCase(Locale.ROOT)));
        cfg = cfg.withEma(Float.parseFloat(o.getOrDefault("ema", "0.995")))
                .withCheckpointEvery(Integer.parseInt(o.getOrDefault("checkpoint-every", "500")))
                .withSeed(Long.parseLong(o.getOrDefault("seed", "8")))
                .withCaptions(CaptionAugmentation.defaults()
                        .withNames(Double.parseDouble(o.getOrDefault("look-names", "0"))));
        Path vaeDir = Path.of(CommandOptions.required("base", o, "vae"));
        Path checkpoints = Path.of(CommandOptions.required("base", o, "checkpoint-dir"));
        Path out = o.containsKey("out") ? Path.of(o.get("out")) : null;
        int bench = Integer.parseInt(o.getOrDefault("bench", "0"));
        double maxMinutes = Double.parseDouble(o.getOrDefault("max-minutes", "0"));
        Files.createDirectories(checkpoints);

        WorldDataset dataset = new WorldDataset(WorldConfig.defaults().withSeed(cfg.dataSeed()).withImageSize(32),
                Split.TRAIN);
        try (NDManager root = NDManager.newBaseManager()) {
            LatentPool pool = pool(o, cfg, dataset, vaeDir, checkpoints, root);
            List<SceneAttributes> scenes = new ArrayList<>(pool.count());
            for (int i = 0; i < pool.count(); i++) {
                scenes.add(dataset.scene(i).attributes());
            }
            Path tokDir = WorldSdFolder.writeTokenizer(checkpoints.resolve("tokenizer"));
            ClipTokenizer tokenizer = ClipTokenizer.load(tokDir);
            int latentSide = (int) pool.shape().get(pool.shape().dimension() - 1);
            Path frozenText = o.containsKey("frozen-text-encoder") ? Path.of(o.get("frozen-text-encoder")) : null;
            BaseModelArchitecture arch = architecture(o, latentSide);
            if (frozenText != null) {
                arch = arch.withTextEncoder(BaseModelTrainer.clipTextConfig(frozenText));
            }
            try (BaseModelTrainer trainer = new BaseModelTrainer(cfg, arch, pool, scenes, tokenizer, frozenText,
                    root)) {
                log("UNet %,d parameters, text encoder %,d parameters%s, pool %d latents (std %.3f)",
                        trainer.unet().parameterCount(), trainer.textEncoder().parameterCount(),
                        frozenText != null ? " (frozen, from " + frozenText + ")" : "", pool.count(),
                        pool.meanStd());
                if (bench > 0) {
                    bench(trainer, bench);
                    return;
                }
                double previousSeconds = 0;
                Optional<Path> latest = o.containsKey("resume") ? latestCheckpoint(checkpoints) : Optional.empty();
                if (latest.isPresent()) {
                    trainer.resume(latest.get());
                    previousSeconds = lastElapsed(checkpoints.resolve("loss.csv"));
                    log("resumed from %s at step %d (%.0f s trained before)", latest.get(), trainer.step(),
                            previousSeconds);
                } else if (o.containsKey("init")) {
                    trainer.initFrom(Path.of(o.get("init")));
                    log("initialised from %s", o.get("init"));
                }
                train(trainer, cfg, checkpoints, out, vaeDir, previousSeconds, maxMinutes);
                if (o.containsKey("preview") && out != null) {
                    BaseModelPreview.write(out, Path.of(o.get("preview")));
                }
            }
        }
    }

    // --arch channels,hidden,layersPerBlock,textLayers (default: the shipped shapes)
    // the UNet's sample_size follows the VAE's latents (16 for the shipped factor-2 VAE)
    private static BaseModelArchitecture architecture(Map<String, String> o, int latentSide) {
        if (!o.containsKey("arch")) {
            return BaseModelArchitecture.worldSd(latentSide);
        }
        String[] p = o.get("arch").split(",");
        if (p.length != 4) {
            throw new IllegalArgumentException("--arch needs channels,hidden,layersPerBlock,textLayers, got "
                    + o.get("arch"));
        }
        return BaseModelArchitecture.of(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]),
                Integer.parseInt(p[3]), latentSide);
    }

    private static LatentPool pool(Map<String, String> o, BaseTrainingConfig cfg, WorldDataset dataset, Path vaeDir,
                                   Path checkpoints, NDManager root) throws IOException {
        Path file = checkpoints.resolve("latents-" + cfg.dataSeed() + "-" + cfg.poolSize() + ".safetensors");
        if (Files.isRegularFile(file)) {
            LatentPool pool = LatentPool.load(file);
            log("latent pool read from %s", file);
            return pool;
        }
        try (NDManager m = root.newSubManager()) {
            AutoencoderKL vae = AutoencoderKL.load(vaeDir, m);
            vae.setTrainable(false);
            long start = System.nanoTime();
            LatentPool pool = LatentPool.encode(dataset, cfg.poolSize(), vae, m,
                    Integer.parseInt(o.getOrDefault("render-threads", "1")), done -> {
                        if (done % 2048 == 0 || done == cfg.poolSize()) {
                            log("encoded %d / %d (%.0f s)", done, cfg.poolSize(), (System.nanoTime() - start) / 1e9);
                        }
                    });
            pool.save(file);
            return pool;
        }
    }

    private static void bench(BaseModelTrainer trainer, int steps) {
        trainer.trainStep(); // warm-up: libtorch allocations, JIT
        long start = System.nanoTime();
        long cpuStart = cpuNanos();
        for (int i = 0; i < steps; i++) {
            trainer.trainStep();
        }
        double wall = (System.nanoTime() - start) / 1e9 / steps;
        double cpu = (cpuNanos() - cpuStart) / 1e9 / steps;
        log("bench: %.3f s/step wall, %.3f s/step process CPU, batch %d", wall, cpu, trainer.config().batchSize());
    }

    private static long cpuNanos() {
        var bean = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (bean instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    private static void train(BaseModelTrainer trainer, BaseTrainingConfig cfg, Path checkpoints, Path out,
                              Path vaeDir, double previousSeconds, double maxMinutes) throws IOException {
        Path csv = checkpoints.resolve("loss.csv");
        if (!Files.exists(csv)) {
            Files.writeString(csv, "step,loss,eval_loss_ema,learning_rate,grad_norm,elapsed_s\n");
        }
        long start = System.nanoTime();
        int firstStep = trainer.step();
        double windowLoss = 0;
        double windowNorm = 0;
        int window = 0;
        while (trainer.step() < cfg.steps()) {
            BaseModelTrainer.StepResult r = trainer.trainStep();
            windowLoss += r.loss();
            windowNorm += r.gradNorm();
            window++;
            double elapsed = previousSeconds + (System.nanoTime() - start) / 1e9;
            boolean last = trainer.step() == cfg.steps()
                    || (maxMinutes > 0 && (System.nanoTime() - start) / 6e10 >= maxMinutes);
            boolean checkpoint = last || (cfg.checkpointEvery() > 0 && r.step() % cfg.checkpointEvery() == 0);
            if (r.step() % LOG_EVERY == 0 || last) {
                String eval = checkpoint ? String.format(Locale.ROOT, "%.5f", trainer.evaluate(64, 1, true)) : "";
                Files.writeString(csv, String.format(Locale.ROOT, "%d,%.5f,%s,%.6g,%.4f,%.1f%n", r.step(),
                        windowLoss / window, eval, r.learningRate(), windowNorm / window, elapsed),
                        StandardOpenOption.APPEND);
                log("step %d loss %.4f lr %.2e norm %.3f %.2f s/step %s", r.step(), windowLoss / window,
                        r.learningRate(), windowNorm / window, (System.nanoTime() - start) / 1e9
                                / Math.max(1, trainer.step() - firstStep), eval.isEmpty() ? "" : "eval " + eval);
                windowLoss = 0;
                windowNorm = 0;
                window = 0;
            }
            if (checkpoint) {
                Path cp = trainer.saveCheckpoint(checkpoints);
                pruneCheckpoints(checkpoints, 2);
                log("checkpoint %s", cp);
                if (out != null) {
                    trainer.exportComponents(out, true);
                    WorldSdFolder.assemble(out, vaeDir);
                    Files.copy(csv, out.resolve("loss.csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    log("exported %s (%,d bytes)", out, WorldSdFolder.size(out));
                }
            }
            if (last) {
                break;
            }
        }
    }

    static Optional<Path> latestCheckpoint(Path root) throws IOException {
        return dev.likeness.training.checkpoint.TrainingCheckpoint.latest(root);
    }

    private static void pruneCheckpoints(Path root, int keep) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.list(root)) {
            all = s.filter(p -> p.getFileName().toString().matches("checkpoint-\\d+"))
                    .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(11))))
                    .toList();
        }
        for (int i = 0; i < all.size() - keep; i++) {
            try (Stream<Path> s = Files.walk(all.get(i))) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static double lastElapsed(Path csv) throws IOException {
        if (!Files.isRegularFile(csv)) {
            return 0;
        }
        List<String> lines = Files.readAllLines(csv);
        String last = lines.get(lines.size() - 1);
        String[] parts = last.split(",");
        try {
            return Double.parseDouble(parts[parts.length - 1]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void log(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
