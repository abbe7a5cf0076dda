package dev.likeness.evaluator;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.events.Succeeded;
import dev.likeness.contracts.jobs.EvaluationSettings;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.SamplerSettings;
import dev.likeness.contracts.jobs.SchedulerName;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.engine.pipeline.GenerationRequest;
import dev.likeness.engine.pipeline.GenerationResult;
import dev.likeness.engine.pipeline.Images;
import dev.likeness.engine.pipeline.TextToImagePipeline;
import dev.likeness.engine.scheduler.SchedulerType;
import dev.likeness.evaluator.encoders.Encoders;
import dev.likeness.evaluator.model.Identifiers;
import dev.likeness.evaluator.model.TrainedModel;
import dev.likeness.jobs.images.InputImages;
import dev.likeness.jobs.models.BaseModels;
import dev.likeness.jobs.stage.StageContext;
import dev.likeness.jobs.stage.StageFailure;
import dev.likeness.jobs.stage.StageHandler;
import dev.likeness.jobs.stage.StageOutcome;
import dev.likeness.metrics.metric.DreamBoothEvaluator;
import dev.likeness.metrics.metric.EvaluationResult;
import dev.likeness.metrics.metric.GeneratedImage;
import dev.likeness.metrics.metric.Metric;
import dev.likeness.metrics.metric.Summary;
import dev.likeness.metrics.preprocess.ImageDecoder;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.metrics.protocol.EvaluationProtocol;
import dev.likeness.metrics.protocol.EvaluationProtocol.EvalPrompt;
import dev.likeness.metrics.protocol.PromptTemplates;
import dev.likeness.metrics.protocol.SubjectKind;
import dev.likeness.metrics.report.EvaluationReport;
import dev.likeness.metrics.report.LossPoint;
import dev.likeness.metrics.report.ReportWriter;
import dev.likeness.objectstore.JobKeys;
import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectKeys;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.objectstore.ObjectSummary;
import dev.likeness.training.linalg.FolderSpectralStore;
import dev.likeness.training.linalg.SpectralCache;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code evaluate} stage, the last one of a job: samples the evaluation prompts (the job's own, or the DreamBooth
 * benchmark's) with the trained artifact on the base model, with fixed seeds; samples the class prompt for prior
 * preservation; computes DINO, CLIP-I, CLIP-T, DIV and PRES ({@link DreamBoothEvaluator}); writes the report (JSON,
 * HTML, images, loss curve from the last checkpoint) to {@code jobs/<id>/report/}; and returns the job's
 * {@code succeeded} payload: artifact URIs, presigned downloads, metric means, report link.
 */
final class EvaluateStage implements StageHandler {

    /** Output name of the report folder. */
    static final String OUTPUT = "report";

    private static final Logger LOG = Logger.getLogger(EvaluateStage.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BaseModels models;
    private final InputImages images;
    private final Encoders encoders;
    private final SpectralCache spectralCache;
    private final Duration downloadExpiry;

    EvaluateStage(BaseModels models, InputImages images, Encoders encoders, SpectralCache spectralCache,
                  Duration downloadExpiry) {
        this.models = models;
        this.images = images;
        this.encoders = encoders;
        this.spectralCache = spectralCache;
        this.downloadExpiry = downloadExpiry;
    }

    /** SVD factors for SVDiff artifacts, cached on this instance's disk (one decomposition per base model). */
    static SpectralCache localSpectralCache(Path cacheDir) throws IOException {
        return new SpectralCache(new FolderSpectralStore(Files.createDirectories(cacheDir.resolve("svd"))), 1);
    }

    @Override
    public Stage stage() {
        return Stage.EVALUATE;
    }

    @Override
    public StageOutcome run(StageContext ctx) throws IOException {
        long start = System.nanoTime();
        PersonalizationJob job = ctx.job();
        ObjectStore store = ctx.store();
        JobKeys keys = ObjectKeys.job(job.jobId());
        Path work = ctx.workDir();

        Path artifact = work.resolve("artifact");
        if (store.downloadFolder(keys.artifacts(), artifact) == 0) {
            throw new StageFailure(ErrorCode.MODEL_INVALID, "job " + job.jobId() + " has no trained artifact in "
                    + store.uri(keys.artifacts()) + " (is the train stage on the routing slip before evaluate?)");
        }
        List<RgbImage> real = new ArrayList<>();
        for (Path p : images.download(job.instanceImages(), work.resolve("instance"))) {
            real.add(ImageDecoder.decode(p));
        }
        Path baseModel = models.fetch(job.baseModel());
        String identifier = Identifiers.of(job, artifact);
        EvaluationSettings settings = job.evaluation();
        EvaluationProtocol protocol = protocol(job, identifier, settings);
        List<EvalPrompt> prompts = prompts(protocol, settings.seeds());
        ctx.throwIfCancelled();

        List<GeneratedImage> generated = new ArrayList<>();
        List<RgbImage> classImages = new ArrayList<>();
        long sampled = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager();
             TrainedModel model = TrainedModel.load(job, baseModel, artifact, spectralCache, manager)) {
            TextToImagePipeline pipeline = new TextToImagePipeline(model.model());
            int total = prompts.size() * settings.seeds().size() + settings.seeds().size();
            int done = 0;
            for (EvalPrompt p : prompts) {
                for (long seed : p.seeds()) {
                    generated.add(new GeneratedImage(p.index(), seed,
                            sample(pipeline, model.prompt(p.prompt()), seed, settings.sampler(), job, manager)));
                    ctx.progress(++done, total, 1, null, null);
                    ctx.throwIfCancelled();
                }
            }
            // PRES: the class prompt through the fine-tuned model; a collapsed prior looks like the subject
            String classPrompt = job.priorPreservation().classPrompt();
            for (long seed : settings.seeds()) {
                classImages.add(sample(pipeline, model.prompt(classPrompt), seed, settings.sampler(), job, manager));
                ctx.progress(++done, total, 1, null, null);
                ctx.throwIfCancelled();
            }
        }
        double sampleSeconds = (System.nanoTime() - sampled) / 1e9;

        long scored = System.nanoTime();
        EvaluationResult result = new DreamBoothEvaluator(encoders.dino(), encoders.clip(), null)
                .evaluate(prompts, real, generated, classImages);
        double scoreSeconds = (System.nanoTime() - scored) / 1e9;
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("sample", sampleSeconds);
        timings.put("metrics", scoreSeconds);
        timings.put("total", (System.nanoTime() - start) / 1e9);
        EvaluationReport report = EvaluationReport.of(job.jobId(), protocol,
                List.of(encoders.dino().info(), encoders.clip().info()), result, lossCurve(store, keys), timings);

        Path reportDir = work.resolve("report");
        ReportWriter.write(reportDir, report, real, generated, classImages);
        store.deletePrefix(keys.report()); // nothing of an earlier attempt may mix in
        store.uploadFolder(reportDir, keys.report());
        LOG.infof("%s: evaluated %d images over %d prompts in %.1f s (DINO %.4f, CLIP-I %.4f, CLIP-T %.4f)%s",
                job.jobId(), generated.size(), prompts.size(), timings.get("total"),
                mean(result, Metric.DINO), mean(result, Metric.CLIP_I), mean(result, Metric.CLIP_T),
                report.encodersUntrained() ? " with UNTRAINED encoders" : "");
        return new StageOutcome(Map.of(OUTPUT, store.uri(keys.report()).toString()),
                succeeded(ctx, store, keys, result));
    }

    /** The metrics protocol of the job: its custom prompts, or the benchmark's for objects or live subjects. */
    static EvaluationProtocol protocol(PersonalizationJob job, String identifier, EvaluationSettings s) {
        List<String> templates = switch (s.protocol()) {
            case CUSTOM -> s.prompts().stream().map(EvaluateStage::template).toList();
            case DREAMBOOTH_OBJECTS -> PromptTemplates.forKind(SubjectKind.OBJECT);
            case DREAMBOOTH_LIVE -> PromptTemplates.forKind(SubjectKind.LIVE);
        };
        SubjectKind kind = s.protocol() == dev.likeness.contracts.jobs.EvaluationProtocol.DREAMBOOTH_LIVE
                ? SubjectKind.LIVE : SubjectKind.OBJECT;
        return new EvaluationProtocol(identifier, job.classNoun(), kind, s.imagesPerPrompt(), s.seeds().get(0),
                templates);
    }

    /** The protocol's prompts with the job's seeds (which need not be consecutive). */
    static List<EvalPrompt> prompts(EvaluationProtocol protocol, List<Long> seeds) {
        return protocol.prompts().stream()
                .map(p -> new EvalPrompt(p.index(), p.template(), p.prompt(), p.classPrompt(), List.copyOf(seeds)))
                .toList();
    }

    /** A job prompt ({@code {identifier}}, {@code {classNoun}}) as a metrics template ({@code {0}}, {@code {1}}). */
    static String template(String prompt) {
        if (!prompt.contains(PersonalizationJob.CLASS_NOUN_PLACEHOLDER)) {
            throw new StageFailure(ErrorCode.INVALID_PARAMETER, "evaluation prompt '" + prompt + "' has no "
                    + PersonalizationJob.CLASS_NOUN_PLACEHOLDER + ": CLIP-T compares each image with its prompt "
                    + "without the identifier, which needs the class noun");
        }
        return prompt.replace(PersonalizationJob.IDENTIFIER_PLACEHOLDER, "{0}")
                .replace(PersonalizationJob.CLASS_NOUN_PLACEHOLDER, "{1}");
    }

    private static RgbImage sample(TextToImagePipeline pipeline, String prompt, long seed, SamplerSettings sampler,
                                   PersonalizationJob job, NDManager manager) {
        int size = job.hyperParameters().resolution();
        GenerationRequest request = GenerationRequest.builder(prompt)
                .steps(sampler.steps())
                .guidanceScale(sampler.guidance().floatValue())
                .scheduler(scheduler(sampler.scheduler()))
                .size(size, size)
                .seed(seed)
                .build();
        try (NDManager run = manager.newSubManager(); GenerationResult result = pipeline.generate(request, run)) {
            return ImageDecoder.fromBufferedImage(Images.toBufferedImages(result.images()).get(0));
        }
    }

    static SchedulerType scheduler(SchedulerName name) {
        return switch (name) {
            case DDIM, PNDM -> SchedulerType.DDIM;
            case DDPM -> SchedulerType.DDPM;
            case EULER, EULER_ANCESTRAL -> SchedulerType.EULER;
            case DPM_SOLVER_MULTISTEP -> SchedulerType.DPM_SOLVER_MULTISTEP;
        };
    }

    /** The job's last payload: every artifact file with a download link, the metric means, the report page. */
    private Succeeded succeeded(StageContext ctx, ObjectStore store, JobKeys keys, EvaluationResult result) {
        Map<String, String> artifacts = new TreeMap<>(ctx.artifacts());
        Map<String, String> downloads = new TreeMap<>();
        for (ObjectSummary o : store.list(keys.artifacts())) {
            String name = o.key().relativeTo(keys.artifacts());
            artifacts.put("artifact/" + name, store.uri(o.key()).toString());
            downloads.put("artifact/" + name, store.presignedGetUrl(o.key(), downloadExpiry).toString());
        }
        ObjectKey html = keys.report().resolve(ReportWriter.HTML_FILE);
        ObjectKey json = keys.report().resolve(ReportWriter.JSON_FILE);
        artifacts.put(OUTPUT, store.uri(keys.report()).toString());
        downloads.put("report.html", store.presignedGetUrl(html, downloadExpiry).toString());
        downloads.put("report.json", store.presignedGetUrl(json, downloadExpiry).toString());
        Map<String, Double> metrics = new TreeMap<>();
        result.overall().forEach((metric, summary) -> {
            if (!summary.isEmpty() && Double.isFinite(summary.mean())) {
                metrics.put(metric.label().toLowerCase(Locale.ROOT), summary.mean());
            }
        });
        return new Succeeded(artifacts, downloads, metrics, store.uri(html).toString());
    }

    private static double mean(EvaluationResult r, Metric m) {
        Summary s = r.overall().get(m);
        return s == null ? Double.NaN : s.mean();
    }

    /** The training loss per step from the newest checkpoint's {@code trainer_state.json}, when there is one. */
    private static List<LossPoint> lossCurve(ObjectStore store, JobKeys keys) {
        try {
            ObjectKey newest = null;
            for (ObjectSummary o : store.list(keys.checkpoints())) {
                if (o.key().name().equals("trainer_state.json")
                        && (newest == null || stepOf(o.key()) > stepOf(newest))) {
                    newest = o.key();
                }
            }
            if (newest == null) {
                return List.of();
            }
            JsonNode state = JSON.readTree(store.getBytes(newest));
            List<LossPoint> points = new ArrayList<>();
            int step = 1;
            for (JsonNode l : state.path("losses")) {
                points.add(new LossPoint(step++, l.asDouble()));
            }
            return points;
        } catch (IOException | RuntimeException e) {
            LOG.warnf("no loss curve for the report: %s", e.toString());
            return List.of();
        }
    }

    private static int stepOf(ObjectKey trainerState) {
        String v = trainerState.value();
        String dir = v.substring(0, v.lastIndexOf('/'));
        String name = dir.substring(dir.lastIndexOf('/') + 1);
        try {
            return Integer.parseInt(name.replaceAll("\\D", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
