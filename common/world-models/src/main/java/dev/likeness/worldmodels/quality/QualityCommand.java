package dev.likeness.worldmodels.quality;

import dev.likeness.training.LearningRateScheduleKind;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.subject.Subject;
import dev.likeness.worldmodels.CommandOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code quality}: measures the issue-8 quality bars and prints them as a Markdown table.
 *
 * <pre>
 * quality [--models DIR | --sd DIR --clip DIR --dino DIR] [--work DIR] [--parts captions,personalization,prior]
 *         [--captions 64] [--subject spiral-vase] [--svdiff-steps 400] [--svdiff-lr 3e-2] [--svdiff-class-images 0]
 *         [--svdiff-text-encoder false|true] [--svdiff-text-encoder-lr LR] [--svdiff-captions false|true]
 *         [--svdiff-schedule constant|cosine|linear] [--svdiff-batch 1]
 *         [--dreambooth-steps 400] [--dreambooth-lr 2e-4] [--dreambooth-text-encoder true|false]
 *         [--dreambooth-text-encoder-lr LR] [--dreambooth-captions false|true] [--class-images 16]
 *         [--prior-weight 1] [--fit-method svdiff|dreambooth] [--tuning-seed 7] [--steps 25] [--guidance 5]
 *         [--threads 1] [--sheets DIR]
 * </pre>
 * {@code --parts} may also name {@code fit}, a diagnostic that is not run by default: the {@code --fit-method}
 * recipe tuned without prior preservation, its renders of its own training prompt against the base model's renders
 * of the class prompt ({@link WorldQuality#trainingPromptFit}).
 * Without folders the bundled world-sd, world-clip and world-dino are extracted into {@code --work} (default: a
 * temporary folder); {@code --models DIR} reads {@code DIR/world-sd}, {@code DIR/world-clip}, {@code DIR/world-dino}.
 * {@code --sheets DIR} writes each set of renders as a contact sheet PNG.
 */
public final class QualityCommand {

    /** Prior-preservation class images by default (the README demo uses 8; more give a steadier prior). */
    public static final int CLASS_IMAGES = 16;

    private static final Set<String> PARTS = Set.of("captions", "personalization", "prior", "fit");
    private static final Set<String> OPTIONS = Set.of("models", "sd", "clip", "dino", "work", "parts", "captions",
            "subject", "svdiff-steps", "svdiff-lr", "svdiff-class-images", "dreambooth-steps", "dreambooth-lr",
            "dreambooth-text-encoder", "dreambooth-text-encoder-lr", "dreambooth-captions", "svdiff-text-encoder",
            "svdiff-text-encoder-lr", "svdiff-captions", "svdiff-schedule", "svdiff-batch",
            "class-images", "prior-weight", "fit-method", "sheets", "steps", "guidance",
            "threads", "tuning-seed");

    private QualityCommand() {
    }

    /** {@code WorldModelsTool quality …}: the table to standard output, progress to standard error. */
    public static void run(String[] args) throws IOException {
        run(List.of(args), System.out, System.err);
    }

    /** Runs the command: the Markdown table to {@code out}, one line per finished part to {@code log}. */
    public static QualityReport run(List<String> args, PrintStream out, PrintStream log) throws IOException {
        Map<String, String> opt = CommandOptions.parse("quality", args, OPTIONS, Set.of());
        // before the engine starts: libtorch reads these once
        System.setProperty("ai.djl.pytorch.num_threads", opt.getOrDefault("threads", "1"));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Sampling defaults = Sampling.defaults();
        Sampling sampling = new Sampling(intOpt(opt, "steps", defaults.steps()),
                floatOpt(opt, "guidance", defaults.guidance()), defaults.size());
        List<String> parts = List.of(opt.getOrDefault("parts", String.join(",", "captions", "personalization",
                "prior")).split(","));
        for (String p : parts) {
            if (!PARTS.contains(p)) {
                throw new IllegalArgumentException("unknown part '" + p + "' in --parts; known: " + PARTS);
            }
        }
        int captions = intOpt(opt, "captions", 64);
        Subject subject = Subject.ofId(opt.getOrDefault("subject", Subject.SPIRAL_VASE.id()));
        TuningRecipe svdiff = TuningRecipe.svdiff().withSteps(intOpt(opt, "svdiff-steps", TuningRecipe.svdiff().steps()))
                .withLearningRate(floatOpt(opt, "svdiff-lr", TuningRecipe.svdiff().learningRate()))
                .withTextEncoder(boolOpt(opt, "svdiff-text-encoder", TuningRecipe.svdiff().trainTextEncoder()))
                .withTextEncoderLearningRate(optionalFloat(opt, "svdiff-text-encoder-lr",
                        TuningRecipe.svdiff().textEncoderLearningRate()))
                .withPhotoCaptions(boolOpt(opt, "svdiff-captions", TuningRecipe.svdiff().photoCaptions()))
                .withSchedule(opt.containsKey("svdiff-schedule")
                        ? LearningRateScheduleKind.fromId(opt.get("svdiff-schedule"))
                        : TuningRecipe.svdiff().schedule())
                .withBatchSize(intOpt(opt, "svdiff-batch", TuningRecipe.svdiff().batchSize()));
        TuningRecipe dreambooth = TuningRecipe.dreambooth()
                .withSteps(intOpt(opt, "dreambooth-steps", TuningRecipe.dreambooth().steps()))
                .withLearningRate(floatOpt(opt, "dreambooth-lr", TuningRecipe.dreambooth().learningRate()))
                .withTextEncoder(boolOpt(opt, "dreambooth-text-encoder", TuningRecipe.dreambooth().trainTextEncoder()))
                .withTextEncoderLearningRate(optionalFloat(opt, "dreambooth-text-encoder-lr",
                        TuningRecipe.dreambooth().textEncoderLearningRate()))
                .withPhotoCaptions(boolOpt(opt, "dreambooth-captions", TuningRecipe.dreambooth().photoCaptions()))
                .withPriorWeight(floatOpt(opt, "prior-weight", TuningRecipe.dreambooth().priorWeight()));
        if (opt.containsKey("tuning-seed")) {
            // one seed for both tunings; without the option each recipe keeps its own
            long seed = intOpt(opt, "tuning-seed", 0);
            svdiff = svdiff.withSeed(seed);
            dreambooth = dreambooth.withSeed(seed);
        }
        int classImages = intOpt(opt, "class-images", CLASS_IMAGES);
        String fitMethod = opt.getOrDefault("fit-method", "svdiff");
        TuningRecipe fitRecipe = switch (fitMethod) {
            case "svdiff" -> svdiff;
            case "dreambooth" -> dreambooth;
            default -> throw new IllegalArgumentException("--fit-method must be svdiff or dreambooth, got '"
                    + fitMethod + "'");
        };

        long start = System.nanoTime();
        try (WorldQuality q = open(opt, sampling).logTo(log::println)) {
            if (opt.containsKey("sheets")) {
                q.sheetsTo(Path.of(opt.get("sheets")));
            }
            List<CaptionScore> captionScores = new ArrayList<>();
            SubjectFidelity fidelity = null;
            PriorPreservation prior = null;
            if (parts.contains("captions")) {
                for (Split split : List.of(Split.HELD_OUT, Split.TRAIN)) {
                    captionScores.add(log(log, start, q.renderedCaptions(split, captions)));
                    captionScores.add(log(log, start, q.realImages(split, captions)));
                }
            }
            if (parts.contains("personalization")) {
                int priorImages = intOpt(opt, "svdiff-class-images", 0);
                fidelity = log(log, start, q.personalization(subject, svdiff, priorImages));
            }
            if (parts.contains("prior")) {
                prior = log(log, start, q.priorPreservation(subject, dreambooth, classImages));
            }
            SubjectFidelity fit = null;
            if (parts.contains("fit")) {
                fit = log(log, start, q.trainingPromptFit(subject, fitRecipe));
            }
            QualityReport report = new QualityReport(sampling, subject, captionScores, fidelity, prior, fit);
            out.print(report.markdown());
            return report;
        }
    }

    private static WorldQuality open(Map<String, String> opt, Sampling sampling) throws IOException {
        if (opt.containsKey("models")) {
            Path dir = Path.of(opt.get("models"));
            return WorldQuality.load(dir.resolve("world-sd"), dir.resolve("world-clip"), dir.resolve("world-dino"),
                    sampling);
        }
        if (opt.containsKey("sd") || opt.containsKey("clip") || opt.containsKey("dino")) {
            for (String k : List.of("sd", "clip", "dino")) {
                if (!opt.containsKey(k)) {
                    throw new IllegalArgumentException("--sd, --clip and --dino go together; --" + k + " is missing");
                }
            }
            return WorldQuality.load(Path.of(opt.get("sd")), Path.of(opt.get("clip")), Path.of(opt.get("dino")),
                    sampling);
        }
        Path work = opt.containsKey("work") ? Path.of(opt.get("work")) : Files.createTempDirectory("world-quality");
        return WorldQuality.bundled(work, sampling);
    }

    private static <T> T log(PrintStream log, long start, T result) {
        log.printf("[%.0f s] %s%n", (System.nanoTime() - start) / 1e9, result);
        return result;
    }

    private static int intOpt(Map<String, String> opt, String key, int fallback) {
        String v = opt.get(key);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be an integer, got '" + v + "'");
        }
    }

    private static boolean boolOpt(Map<String, String> opt, String key, boolean fallback) {
        String v = opt.get(key);
        if (v == null) {
            return fallback;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("--" + key + " must be true or false, got '" + v + "'");
        };
    }

    private static float floatOpt(Map<String, String> opt, String key, float fallback) {
        String v = opt.get(key);
        try {
            return v == null ? fallback : Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a number, got '" + v + "'");
        }
    }

    private static Float optionalFloat(Map<String, String> opt, String key, Float fallback) {
        if (!opt.containsKey(key)) {
            return fallback; // (not a conditional expression: that would unbox a null fallback)
        }
        return floatOpt(opt, key, 0f);
    }
}
