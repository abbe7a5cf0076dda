package dev.likeness.cli;

import dev.likeness.cli.demo.SampleVase;
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
import dev.likeness.engine.random.TinyModelGenerator;
import dev.likeness.objectstore.ObjectKeys;
import dev.likeness.objectstore.ObjectSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code likeness demo}: the pieces of the {@code ./likeness-demo} walk-through that need code: {@code prepare}
 * writes the tiny random base model and the drawn sample subject; {@code render} renders prompts with a finished
 * job's artifact through the renderer service and downloads the images.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Demo helpers: 'prepare' a tiny model and a sample subject, 'render' with a job's artifact.",
        subcommands = {DemoCommand.Prepare.class, DemoCommand.Render.class})
public final class DemoCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code likeness demo prepare --dir DIR}: {@code DIR/tiny-sd} and {@code DIR/vase/*.png}. */
    @Command(name = "prepare", mixinStandardHelpOptions = true,
            description = "Write the tiny random model (DIR/tiny-sd) and the sample vase images (DIR/vase).")
    static final class Prepare implements Callable<Integer> {

        @Option(names = "--dir", required = true, description = "output folder")
        Path dir;

        @Option(names = "--images", defaultValue = "6", description = "subject images (default: ${DEFAULT-VALUE})")
        int images;

        @Option(names = "--size", defaultValue = "64", description = "image size in pixels (default: ${DEFAULT-VALUE})")
        int size;

        @Override
        public Integer call() throws Exception {
            Path model = dir.resolve("tiny-sd");
            if (!Files.isRegularFile(model.resolve("model_index.json"))) {
                TinyModelGenerator.write(model, TinyModelGenerator.tinySd(), 0);
            }
            List<Path> files = SampleVase.write(dir.resolve("vase"), images, size, 7);
            System.out.println("model  " + model.toAbsolutePath());
            System.out.println("images " + dir.resolve("vase").toAbsolutePath() + " (" + files.size() + " PNGs)");
            return 0;
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
