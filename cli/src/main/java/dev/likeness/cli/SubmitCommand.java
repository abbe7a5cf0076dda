package dev.likeness.cli;

import dev.likeness.cli.jobs.ClientOptions;
import dev.likeness.cli.jobs.EventPrinter;
import dev.likeness.client.FetchedJob;
import dev.likeness.client.LikenessClient;
import dev.likeness.contracts.events.EventType;
import dev.likeness.contracts.events.JobEvent;
import dev.likeness.contracts.events.Succeeded;
import dev.likeness.contracts.jobs.EvaluationProtocol;
import dev.likeness.contracts.jobs.EvaluationSettings;
import dev.likeness.contracts.jobs.HyperParameters;
import dev.likeness.contracts.jobs.Method;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.PriorPreservation;
import dev.likeness.contracts.jobs.SamplerSettings;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.engine.random.TinyModelGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.stream.LongStream;

/**
 * {@code likeness submit}: uploads the subject images (and a local base model, once per content), publishes a
 * personalization job, and with {@code --follow} shows its events until the end (progress bar on stderr).
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submit a personalization job to a running Likeness installation.")
public final class SubmitCommand implements Callable<Integer> {

    @Mixin
    ClientOptions connection;

    @Option(names = "--images", required = true, description = "folder of subject images (png, jpg, …)")
    Path images;

    @Option(names = "--captions", description = "text file with one training prompt per image, in the images' "
            + "file-name order, each naming the subject with {identifier} (e.g. \"a photo of {identifier} "
            + "{classNoun} on a beach\")")
    Path captions;

    @Option(names = "--class-noun", required = true, description = "the subject's class, e.g. vase, dog")
    String classNoun;

    @Option(names = "--method", defaultValue = "svdiff",
            description = "dreambooth, textual-inversion, svdiff or lora (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--model", description = "base model: a local diffusers folder (uploaded once) or s3://…/ "
            + "(default: the tiny random demo model)")
    String model;

    @Option(names = "--job-id", description = "job id (default: generated); the same id twice is one job")
    String jobId;

    @Option(names = "--identifier", description = "rare token for the subject (default: chosen by the trainer)")
    String identifier;

    @Option(names = "--instance-prompt", description = "training prompt with {identifier} and {classNoun} "
            + "(default: \"a photo of {identifier} {classNoun}\")")
    String instancePrompt;

    @Option(names = "--steps", description = "training steps (default: the method's)")
    Integer steps;

    @Option(names = "--lr", description = "learning rate (default: the method's)")
    Double learningRate;

    @Option(names = "--train-text-encoder", description = "DreamBooth/SVDiff/LoRA: also tune the text encoder (needed "
            + "when the text encoder has never seen the identifier, as on the default world)")
    Boolean trainTextEncoder;

    @Option(names = "--text-encoder-lr", description = "with --train-text-encoder: the text encoder's learning rate "
            + "(default: --lr)")
    Double textEncoderLearningRate;

    @Option(names = "--resolution", description = "training and evaluation resolution (default: 512)")
    Integer resolution;

    @Option(names = "--seed", description = "training seed (default: 0)")
    Long seed;

    @Option(names = "--checkpoint-every", description = "steps between checkpoints (default: 100)")
    Integer checkpointEvery;

    @Option(names = "--progress-every", description = "steps between progress events (default: 10)")
    Integer progressEvery;

    @Option(names = "--prior", negatable = true, description = "prior preservation with class images "
            + "(default: on for dreambooth and svdiff)")
    Boolean prior;

    @Option(names = "--class-images", description = "class images for prior preservation (default: 200)")
    Integer classImages;

    @Option(names = "--prior-steps", description = "sampling steps per class image (default: 50)")
    Integer priorSteps;

    @Option(names = "--class-prompt", description = "prompt for the class images and PRES "
            + "(default: \"a photo of <class noun>\")")
    String classPrompt;

    @Option(names = "--guidance", description = "classifier-free guidance for class and evaluation images "
            + "(default: 7.5)")
    Double guidance;

    @Option(names = "--eval-prompt", description = "evaluation prompt (repeatable; default: the DreamBooth "
            + "benchmark's 25 prompts)")
    List<String> evalPrompts = new ArrayList<>();

    @Option(names = "--eval-images", description = "evaluation images per prompt (default: 4)")
    Integer evalImages;

    @Option(names = "--eval-steps", description = "sampling steps per evaluation image (default: 50)")
    Integer evalSteps;

    @Option(names = "--no-eval", description = "stop after training (no evaluate stage)")
    boolean noEval;

    @Option(names = "--follow", description = "show the job's events until it ends")
    boolean follow;

    @Option(names = "--output", description = "with --follow: download artifacts and report here on success")
    Path output;

    @Option(names = "--timeout", defaultValue = "PT2H", description = "with --follow: give up after this long "
            + "(ISO-8601, default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Method m = method(method);
        String id = jobId != null ? jobId : LikenessClient.newJobId();
        // before connecting: a bad file or a caption count that differs from the images stops here, with nothing
        // uploaded (the job's rules check the count too, but only after the upload)
        List<String> captionLines = captions == null ? null
                : CaptionFiles.read(captions, LikenessClient.imagesIn(images).size());
        try (LikenessClient client = connection.connect()) {
            String modelUri = modelUri(client, out);
            List<String> uris = client.uploadImages(id, images);
            out.printf("uploaded %d image(s) to s3://%s/jobs/%s/inputs/%n", uris.size(), client.settings().bucket(), id);
            PersonalizationJob job = client.submit(job(id, m, modelUri, uris, captionLines));
            out.printf("submitted job %s (%s, %d steps, stages %s)%n", id, m.wire(), job.hyperParameters().steps(),
                    job.stages().stream().map(Stage::wire).toList());
            if (!follow) {
                out.println("follow it with: likeness watch " + id);
                return 0;
            }
            return followAndFetch(client, id, timeout, output, out);
        }
    }

    /** Follows a job to its end; on success prints links and, with {@code output}, downloads the results. */
    static int followAndFetch(LikenessClient client, String id, Duration timeout, Path output, PrintStream out)
            throws Exception {
        JobEvent last;
        try {
            last = client.follow(id, timeout, new EventPrinter(System.err));
        } catch (TimeoutException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (last.type() != EventType.SUCCEEDED) {
            return 1;
        }
        Succeeded s = last.dataAs(Succeeded.class);
        out.println("artifacts:");
        s.artifacts().forEach((k, v) -> out.printf("  %-40s %s%n", k, v));
        if (!s.metrics().isEmpty()) {
            out.println("metrics:");
            s.metrics().forEach((k, v) -> out.printf(Locale.ROOT, "  %-8s %.4f%n", k, v));
        }
        if (s.report() != null) {
            out.println("report: " + s.report());
        }
        out.println("downloads (presigned):");
        s.downloads().forEach((k, v) -> out.printf("  %-40s %s%n", k, v));
        if (output != null) {
            FetchedJob fetched = client.fetch(id, output);
            out.printf("downloaded %d artifact file(s) and %d report file(s) to %s%n", fetched.artifacts().size(),
                    fetched.report().size(), output.toAbsolutePath());
            if (fetched.reportHtml() != null) {
                out.println("open " + fetched.reportHtml().toAbsolutePath());
            }
        }
        return 0;
    }

    private String modelUri(LikenessClient client, PrintStream out) throws Exception {
        if (model != null && model.startsWith("s3://")) {
            return model.endsWith("/") ? model : model + "/";
        }
        Path folder;
        if (model != null) {
            folder = Path.of(model);
        } else {
            folder = Files.createTempDirectory("likeness-tiny-sd");
            TinyModelGenerator.write(folder, TinyModelGenerator.tinySd(), 0);
            out.println("no --model: using the tiny random demo model (seed 0)");
        }
        String uri = client.uploadModel(folder, null);
        out.println("base model " + uri);
        return uri;
    }

    PersonalizationJob job(String id, Method m, String modelUri, List<String> uris) {
        return job(id, m, modelUri, uris, null);
    }

    /** The job for these options, with {@code captionLines} (from {@code --captions}, or {@code null}). */
    PersonalizationJob job(String id, Method m, String modelUri, List<String> uris, List<String> captionLines) {
        HyperParameters hp = new HyperParameters(steps, learningRate, null, null, resolution, seed, null, null, null,
                null, trainTextEncoder, textEncoderLearningRate, checkpointEvery, progressEvery, null, null, null);
        PriorPreservation pp = prior == null && classImages == null && priorSteps == null && classPrompt == null
                && guidance == null ? null
                : new PriorPreservation(prior, classPrompt, classImages, null,
                priorSteps == null && guidance == null ? null : new SamplerSettings(priorSteps, guidance, null), null);
        EvaluationSettings eval = null;
        if (!evalPrompts.isEmpty() || evalImages != null || evalSteps != null || guidance != null) {
            eval = new EvaluationSettings(evalPrompts.isEmpty() ? null : EvaluationProtocol.CUSTOM,
                    evalPrompts.isEmpty() ? null : List.copyOf(evalPrompts), evalImages,
                    evalImages == null ? null : LongStream.range(0, evalImages).boxed().toList(),
                    evalSteps == null && guidance == null ? null : new SamplerSettings(evalSteps, guidance, null));
        }
        List<Stage> stages = null;
        if (noEval) {
            boolean withPrior = prior != null ? prior : (m == Method.DREAMBOOTH || m == Method.SVDIFF);
            stages = withPrior ? List.of(Stage.PRIOR, Stage.TRAIN) : List.of(Stage.TRAIN);
        }
        return new PersonalizationJob(PersonalizationJob.SCHEMA, id, m, modelUri, uris, captionLines, instancePrompt,
                identifier, classNoun, hp, pp, null, eval, stages, null);
    }

    static Method method(String wire) {
        for (Method m : Method.values()) {
            if (m.wire().equalsIgnoreCase(wire)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method '" + wire + "'; use dreambooth, textual-inversion, svdiff "
                + "or lora");
    }
}
