package dev.likeness.priorgen;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.PriorPreservation;
import dev.likeness.contracts.jobs.SamplerSettings;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.pipeline.GenerationRequest;
import dev.likeness.engine.pipeline.GenerationResult;
import dev.likeness.engine.pipeline.Images;
import dev.likeness.engine.pipeline.TextToImagePipeline;
import dev.likeness.engine.scheduler.SchedulerType;
import dev.likeness.jobs.models.BaseModels;
import dev.likeness.jobs.stage.StageAbandonedException;
import dev.likeness.jobs.stage.StageContext;
import dev.likeness.jobs.stage.StageFailure;
import dev.likeness.jobs.stage.StageHandler;
import dev.likeness.jobs.stage.StageOutcome;
import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectKeys;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.objectstore.ObjectSummary;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code prior} stage: class images for prior preservation, generated with the frozen base model and shared
 * through a cache. Images live under {@code cache/class-images/<digest>/NNNNN.png}, where the digest covers the base
 * model's weights, the class prompt, the sampler settings, the resolution and the base seed; image {@code i} always
 * uses seed {@code seed + i}, so the cache holds the same image {@code i} whichever job made it, and a job asking
 * for more images than are cached generates only the missing indices.
 *
 * <p>Output {@value #OUTPUT}: the cache folder; the trainer uses its first {@code numClassImages} images.
 */
final class ClassImageStage implements StageHandler {

    /** Output name of the class-image folder. */
    static final String OUTPUT = "class-images";
    private static final Pattern IMAGE = Pattern.compile("(\\d{5})\\.png");

    private final BaseModels models;
    private final IntConsumer generated;
    private final IntConsumer reused;

    /**
     * @param generated told how many images a run generated
     * @param reused    told how many cached images a run reused
     */
    ClassImageStage(BaseModels models, IntConsumer generated, IntConsumer reused) {
        this.models = models;
        this.generated = generated;
        this.reused = reused;
    }

    @Override
    public Stage stage() {
        return Stage.PRIOR;
    }

    @Override
    public StageOutcome run(StageContext ctx) throws IOException {
        PersonalizationJob job = ctx.job();
        PriorPreservation prior = job.priorPreservation();
        if (!prior.active()) {
            return StageOutcome.of(Map.of()); // nothing to generate; the slip may still list the stage
        }
        ObjectStore store = ctx.store();
        SamplerSettings sampler = prior.sampler();
        SchedulerType scheduler = scheduler(sampler);
        int resolution = job.hyperParameters().resolution();
        String digest = cacheDigest(models.digest(job.baseModel()), prior, scheduler, resolution);
        ObjectKey folder = ObjectKeys.classImageCache(digest);

        int wanted = prior.numClassImages();
        Set<Integer> cached = cachedIndices(store, folder);
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < wanted; i++) {
            if (!cached.contains(i)) {
                missing.add(i);
            }
        }
        reused.accept(wanted - missing.size());
        if (!missing.isEmpty()) {
            generate(ctx, folder, missing, prior, scheduler, resolution);
        }
        return StageOutcome.of(Map.of(OUTPUT, store.uri(folder).toString()));
    }

    private void generate(StageContext ctx, ObjectKey folder, List<Integer> missing, PriorPreservation prior,
                          SchedulerType scheduler, int resolution) throws IOException {
        SamplerSettings sampler = prior.sampler();
        ai.djl.engine.Engine.getInstance(); // loads libtorch: a JNI call before that is an UnsatisfiedLinkError
        JniUtils.setGradMode(false); // per thread in libtorch, enabled on a new one: sampling records no graph
        try (StableDiffusionModel model = StableDiffusionModel.load(models.fetch(ctx.job().baseModel()))) {
            TextToImagePipeline pipeline = new TextToImagePipeline(model);
            for (int k = 0; k < missing.size(); k++) {
                ctx.throwIfCancelled();
                if (ctx.shutdownRequested()) {
                    // every image already uploaded stays in the cache: the next attempt only makes the rest
                    throw new StageAbandonedException("shutting down after " + k + " of " + missing.size()
                            + " class images");
                }
                int index = missing.get(k);
                GenerationRequest request = GenerationRequest.builder(prior.classPrompt())
                        .size(resolution, resolution)
                        .steps(sampler.steps())
                        .guidanceScale(sampler.guidance().floatValue())
                        .scheduler(scheduler)
                        .seed(prior.seed() + index)
                        .build();
                byte[] png;
                try (NDManager m = model.manager().newSubManager();
                     GenerationResult result = pipeline.generate(request, m)) {
                    png = png(Images.toBufferedImages(result.images()).get(0));
                }
                ctx.store().put(folder.resolve(String.format(Locale.ROOT, "%05d.png", index)), png, "image/png");
                generated.accept(1);
                ctx.progress(k + 1, missing.size(), 1, null, null);
            }
        }
    }

    private static Set<Integer> cachedIndices(ObjectStore store, ObjectKey folder) {
        Set<Integer> out = new HashSet<>();
        for (ObjectSummary o : store.list(folder)) {
            Matcher m = IMAGE.matcher(o.key().relativeTo(folder));
            if (m.matches() && o.size() > 0) {
                out.add(Integer.parseInt(m.group(1)));
            }
        }
        return out;
    }

    /** Digest naming the cache folder of one prior-preservation setting. */
    static String cacheDigest(String modelDigest, PriorPreservation prior, SchedulerType scheduler, int resolution) {
        SamplerSettings s = prior.sampler();
        return BaseModels.sha256(String.join("\n", "likeness.class-images/v1", modelDigest, prior.classPrompt(),
                "steps=" + s.steps(), "guidance=" + s.guidance(), "scheduler=" + scheduler.name(),
                "resolution=" + resolution, "seed=" + prior.seed()));
    }

    /** The engine's sampler for the job's scheduler name (PNDM samples with DDIM, as the engine maps it). */
    static SchedulerType scheduler(SamplerSettings sampler) {
        return switch (sampler.scheduler()) {
            case DDIM, PNDM -> SchedulerType.DDIM;
            case DDPM -> SchedulerType.DDPM;
            case EULER -> SchedulerType.EULER;
            case DPM_SOLVER_MULTISTEP -> SchedulerType.DPM_SOLVER_MULTISTEP;
            case EULER_ANCESTRAL -> throw new StageFailure(ErrorCode.INVALID_PARAMETER,
                    "scheduler euler-ancestral is not available for class images; use ddim, ddpm, euler or "
                            + "dpm-solver-multistep");
        };
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer available");
        }
        return out.toByteArray();
    }
}
