package dev.likeness.cli;

import dev.likeness.cli.demo.BeforeAfterSheet;
import dev.likeness.cli.demo.DemoInputs;
import dev.likeness.cli.demo.MetricComparison;
import dev.likeness.cli.demo.ReportFolder;
import dev.likeness.cli.jobs.ClientOptions;
import dev.likeness.cli.jobs.EventPrinter;
import dev.likeness.client.LikenessClient;
import dev.likeness.contracts.events.EventType;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.events.RenderCompleted;
import dev.likeness.contracts.jobs.SchedulerName;
import dev.likeness.contracts.render.ArtifactKind;
import dev.likeness.contracts.render.ArtifactRef;
import dev.likeness.contracts.render.RenderRequest;
import dev.likeness.metrics.encoder.ClipEmbedder;
import dev.likeness.metrics.encoder.DinoEmbedder;
import dev.likeness.metrics.metric.Metric;
import dev.likeness.metrics.preprocess.ImageDecoder;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.objectstore.ObjectKeys;
import dev.likeness.objectstore.ObjectSummary;
import dev.likeness.world.subject.Subject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code likeness demo}: the pieces of the {@code ./likeness-demo} walk-through that need code: {@code prepare}
 * writes the default world's models and a subject's photos and prints the prompts; {@code compare} renders the base
 * model through the renderer service and writes the before/after sheet and the metric table; {@code render} renders
 * prompts with a finished job's SVDiff artifact through the renderer service.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Demo helpers: 'prepare' the inputs, 'compare' base vs. trained, 'render' with a job's "
                + "artifact.",
        subcommands = {DemoCommand.Prepare.class, DemoCommand.Compare.class, DemoCommand.Render.class})
public final class DemoCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * {@code likeness demo prepare --dir DIR}: the default world's models and a subject's photos (or, with
     * {@code --random-model}, the tiny random model and the drawn vase); prints paths and prompts as
     * {@code key value} lines.
     */
    @Command(name = "prepare", mixinStandardHelpOptions = true,
            description = {"Write the main job's inputs and print them as 'key value' lines.",
                    "Default: the default world (DIR/world-sd, DIR/world-clip, DIR/world-dino from the world-models "
                            + "jar, DIR/subject/<id>/*.png) with prompts in the world's grammar.",
                    "--random-model: the tiny random model (DIR/tiny-sd) and a drawn vase (DIR/vase), plumbing only."})
    static final class Prepare implements Callable<Integer> {

        @Option(names = "--dir", required = true, description = "output folder")
        Path dir;

        @Option(names = "--subject", defaultValue = "spiral-vase",
                description = "world subject: spiral-vase, smiling-star, planet-ball, party-cone "
                        + "(default: ${DEFAULT-VALUE})")
        String subject;

        @Option(names = "--eval-prompts", defaultValue = "8",
                description = "evaluation prompts, 1-8, one per world background (default: ${DEFAULT-VALUE})")
        int evalPrompts;

        @Option(names = "--models", description = "take world-sd/, world-clip/, world-dino/ from this folder "
                + "instead of the bundled ones (e.g. a longer training run)")
        Path models;

        @Option(names = "--random-model", description = "the tiny random model and the drawn vase instead")
        boolean random;

        @Option(names = "--images", defaultValue = "6", description = "--random-model: subject images "
                + "(default: ${DEFAULT-VALUE})")
        int images;

        @Option(names = "--size", defaultValue = "64", description = "--random-model: image size in pixels "
                + "(default: ${DEFAULT-VALUE})")
        int size;

        @Override
        public Integer call() throws Exception {
            DemoInputs inputs;
            try {
                inputs = random ? DemoInputs.random(dir, images, size)
                        : DemoInputs.world(dir, Subject.ofId(subject), evalPrompts, models);
            } catch (IOException e) {
                System.err.println("cannot prepare the demo inputs: " + e.getMessage());
                System.err.println("(--models DIR takes world-sd/, world-clip/, world-dino/ from a training run; "
                        + "--random-model runs the plumbing demo on random weights)");
                return 1;
            }
            inputs.print(System.out);
            return 0;
        }
    }

    /**
     * {@code likeness demo compare}: the base model's renders of the job's class prompts through the renderer
     * service (same seeds, steps and guidance as the evaluator), a before/after contact sheet with the evaluator's
     * renders of the trained model, and the metric table base vs. trained.
     */
    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Render the base model with a finished job's class prompts (renderer service), write the "
                    + "before/after contact sheet and the metric table base vs. trained.")
    static final class Compare implements Callable<Integer> {

        @Mixin
        ClientOptions connection;

        @Option(names = "--model", required = true, description = "the job's base model, s3://…/")
        String model;

        @Option(names = "--report", required = true, description = "the job's downloaded report folder "
                + "(report.json, images/)")
        Path report;

        @Option(names = "--images", required = true, description = "the subject photos the job trained on")
        Path images;

        @Option(names = "--class-prompt", required = true, description = "the job's class prompt (PRES)")
        String classPrompt;

        @Option(names = "--steps", required = true, description = "the evaluator's sampling steps")
        int steps;

        @Option(names = "--guidance", defaultValue = "7.5", description = "the evaluator's guidance "
                + "(default: ${DEFAULT-VALUE})")
        double guidance;

        @Option(names = "--size", required = true, description = "the job's resolution")
        int size;

        @Option(names = "--clip", description = "CLIP folder the evaluator used (without it: no metric table)")
        Path clip;

        @Option(names = "--dino", description = "DINO folder the evaluator used")
        Path dino;

        @Option(names = "--label", defaultValue = "trained", description = "column title of the trained model "
                + "(default: ${DEFAULT-VALUE})")
        String label;

        @Option(names = "--sheet-prompts", defaultValue = "8", description = "prompt rows on the contact sheet "
                + "(default: ${DEFAULT-VALUE})")
        int sheetPrompts;

        @Option(names = "--scale", defaultValue = "3", description = "contact sheet upscale (default: ${DEFAULT-VALUE})")
        int scale;

        @Option(names = "--output", required = true, description = "folder for before/, before-after.png, "
                + "metrics.md")
        Path output;

        @Option(names = "--timeout", defaultValue = "PT10M", description = "give up after (default: ${DEFAULT-VALUE})")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            ReportFolder trained = ReportFolder.read(report);
            List<Long> seeds = trained.seeds();
            List<String> prompts = new ArrayList<>();
            trained.prompts().forEach(p -> prompts.add(p.classPrompt()));
            prompts.add(classPrompt);
            Path before = output.resolve("before");
            try (LikenessClient client = connection.connect()) {
                String requestId = LikenessClient.newId("render");
                client.submitRender(new RenderRequest(RenderRequest.SCHEMA, requestId, model, prompts, "", List.of(),
                        seeds, steps, SchedulerName.DDIM, guidance, size, size));
                System.out.println("submitted render " + requestId + " (base model, " + prompts.size()
                        + " class prompts x " + seeds.size() + " seeds)");
                JobEvent last = client.follow(requestId, timeout, new EventPrinter(System.err));
                if (last.type() != EventType.RENDER_COMPLETED) {
                    return 1;
                }
                client.fetchRender(requestId, before);
            }
            List<List<BufferedImage>> beforeRows = new ArrayList<>();
            List<List<BufferedImage>> afterRows = new ArrayList<>();
            for (int i = 0; i < trained.prompts().size(); i++) {
                List<BufferedImage> b = new ArrayList<>();
                List<BufferedImage> a = new ArrayList<>();
                Map<Long, Path> evaluated = trained.generated().get(trained.prompts().get(i).index());
                for (long seed : seeds) {
                    b.add(read(before.resolve(String.format(Locale.ROOT, "p%02d-s%010d.png", i, seed))));
                    Path file = evaluated == null ? null : evaluated.get(seed);
                    if (file == null) {
                        throw new IOException("the report has no image of prompt " + i + " with seed " + seed);
                    }
                    a.add(read(file));
                }
                beforeRows.add(b);
                afterRows.add(a);
            }
            List<BufferedImage> classRow = new ArrayList<>();
            for (long seed : seeds) {
                classRow.add(read(before.resolve(String.format(Locale.ROOT, "p%02d-s%010d.png",
                        prompts.size() - 1, seed))));
            }
            List<BufferedImage> photos = new ArrayList<>();
            List<Path> photoFiles;
            try (Stream<Path> files = Files.list(images)) {
                photoFiles = files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
                        .sorted().toList();
            }
            for (Path f : photoFiles) {
                photos.add(read(f));
            }
            int rows = Math.min(sheetPrompts, beforeRows.size());
            Path sheet = output.resolve("before-after.png");
            ImageIO.write(BeforeAfterSheet.compose(photos, beforeRows.subList(0, rows), afterRows.subList(0, rows),
                    scale), "png", sheet.toFile());
            System.out.println("before/after sheet " + sheet.toAbsolutePath() + " (top: the subject photos; "
                    + "each row one prompt: left the base model, right " + label + ", same seeds)");
            for (int i = 0; i < rows; i++) {
                System.out.println("  row " + (i + 1) + ": \"" + trained.prompts().get(i).classPrompt() + "\" | \""
                        + trained.prompts().get(i).prompt() + "\"");
            }
            if (clip == null || dino == null) {
                System.out.println("no --clip/--dino: no base-model metrics");
                return 0;
            }
            List<RgbImage> real = new ArrayList<>();
            for (Path f : photoFiles) {
                real.add(ImageDecoder.decode(f));
            }
            Map<Metric, Double> base;
            try (ClipEmbedder clipEmbedder = ClipEmbedder.load(clip, 16, false);
                 DinoEmbedder dinoEmbedder = DinoEmbedder.load(dino, 16, false)) {
                base = MetricComparison.measure(dinoEmbedder, clipEmbedder, trained.prompts(),
                        real, decode(beforeRows), seeds, decode(List.of(classRow)).get(0));
            }
            String table = new MetricComparison(base, trained.overall()).markdown(label);
            Files.writeString(output.resolve("metrics.md"), table);
            System.out.println();
            System.out.print(table);
            return 0;
        }

        private static BufferedImage read(Path file) throws IOException {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                throw new IOException("not an image: " + file);
            }
            return img;
        }

        private static List<List<RgbImage>> decode(List<List<BufferedImage>> rows) {
            return rows.stream().map(r -> r.stream().map(ImageDecoder::fromBufferedImage).toList()).toList();
        }
    }

    /** {@code likeness demo render --job JOB --output DIR}: the job's SVDiff artifact through the renderer service. */
    @Command(name = "render", mixinStandardHelpOptions = true,
            description = "Render prompts with a finished job's SVDiff artifact (renderer service) and download them.")
    static final class Render implements Callable<Integer> {

        @Mixin
        ClientOptions connection;

        @Option(names = "--job", required = true, description = "a succeeded svdiff job")
        String jobId;

        @Option(names = "--model", required = true, description = "the job's base model, s3://…/")
        String model;

        @Option(names = "--prompt", required = true, description = "prompt (repeatable)")
        List<String> prompts;

        @Option(names = "--seeds", split = ",", defaultValue = "0,1", description = "seeds (default: ${DEFAULT-VALUE})")
        List<Long> seeds;

        @Option(names = "--weight", defaultValue = "1.0", description = "SVDiff weight (default: ${DEFAULT-VALUE})")
        double weight;

        @Option(names = "--steps", defaultValue = "4", description = "sampling steps (default: ${DEFAULT-VALUE})")
        int steps;

        @Option(names = "--size", defaultValue = "64", description = "image size (default: ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--output", required = true, description = "folder for the images and the contact sheet")
        Path output;

        @Option(names = "--timeout", defaultValue = "PT10M", description = "give up after (default: ${DEFAULT-VALUE})")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            try (LikenessClient client = connection.connect()) {
                String shifts = null;
                for (ObjectSummary o : client.store().list(ObjectKeys.job(jobId).artifacts())) {
                    if (o.key().name().equals("spectral_shifts.safetensors")) {
                        shifts = client.store().uri(o.key()).toString();
                    }
                }
                if (shifts == null) {
                    System.err.println("job " + jobId + " has no SVDiff artifact (spectral_shifts.safetensors)");
                    return 1;
                }
                String requestId = LikenessClient.newId("render");
                client.submitRender(new RenderRequest(RenderRequest.SCHEMA, requestId, model, prompts, "",
                        List.of(new ArtifactRef(ArtifactKind.SVDIFF, shifts, weight)), seeds, steps,
                        SchedulerName.DDIM, 7.5, size, size));
                System.out.println("submitted render " + requestId);
                JobEvent last = client.follow(requestId, timeout, new EventPrinter(System.err));
                if (last.type() != EventType.RENDER_COMPLETED) {
                    return 1;
                }
                RenderCompleted done = last.dataAs(RenderCompleted.class);
                List<Path> files = client.fetchRender(requestId, output);
                done.images().forEach(u -> System.out.println("image " + u));
                System.out.println("downloaded " + files.size() + " file(s) to " + output.toAbsolutePath()
                        + " (contact sheet: " + output.resolve("contact-sheet.png").toAbsolutePath() + ")");
                return 0;
            }
        }
    }
}
