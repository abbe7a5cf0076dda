package dev.likeness.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.jobs.HyperParameters;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.jobs.images.InputImages;
import dev.likeness.jobs.models.BaseModels;
import dev.likeness.jobs.stage.StageAbandonedException;
import dev.likeness.jobs.stage.StageContext;
import dev.likeness.jobs.stage.StageFailure;
import dev.likeness.jobs.stage.StageHandler;
import dev.likeness.jobs.stage.StageOutcome;
import dev.likeness.jobs.state.CheckpointRef;
import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectKeys;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.objectstore.ObjectUri;
import dev.likeness.training.FineTuningMethod;
import dev.likeness.training.method.dreambooth.DreamBooth;
import dev.likeness.training.method.lora.LoraMethod;
import dev.likeness.training.method.svdiff.SvdiffMethod;
import dev.likeness.training.method.textualinversion.TextualInversionMethod;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.TrainingModels;
import dev.likeness.training.data.TrainingImages;
import dev.likeness.training.loop.NanLossException;
import dev.likeness.training.loop.Trainer;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code train} stage: downloads and checks the images, trains the job's method on the base model, checkpoints
 * to {@code jobs/<id>/checkpoints/checkpoint-<step>/} every {@code checkpointEvery} steps (and when the instance
 * shuts down), resumes from the last checkpoint an earlier attempt left, and writes the artifact to
 * {@code jobs/<id>/artifacts/}. Training is deterministic given the job's seed, so a resumed run produces the same
 * artifact bytes as an uninterrupted one.
 *
 * <p>Output {@value #OUTPUT}: the artifact folder.
 */
final class TrainStage implements StageHandler {

    /** Output name of the artifact folder. */
    static final String OUTPUT = "artifact";
    /** Output name under which the prior stage hands over the class images. */
    static final String CLASS_IMAGES = "class-images";

    private static final Logger LOG = Logger.getLogger(TrainStage.class);

    private final BaseModels models;
    private final InputImages images;

    TrainStage(BaseModels models, InputImages images) {
        this.models = models;
        this.images = images;
    }

    @Override
    public Stage stage() {
        return Stage.TRAIN;
    }

    @Override
    public StageOutcome run(StageContext ctx) throws IOException {
        // libtorch's grad mode is per thread and starts enabled on a new one; the loop enables it only inside its
        // gradient collector (the optimizer's in-place updates of leaf tensors must run without it)
        ai.djl.engine.Engine.getInstance(); // loads libtorch: a JNI call before that is an UnsatisfiedLinkError
        JniUtils.setGradMode(false);
        PersonalizationJob job = ctx.job();
        HyperParameters hp = job.hyperParameters();
        ObjectStore store = ctx.store();
        Path work = ctx.workDir();

        List<Path> instance = images.download(job.instanceImages(), work.resolve("instance"));
        Path classDir = null;
        List<Path> classFiles = null;
        if (job.priorPreservation().active()) {
            classDir = work.resolve("class");
            classFiles = images.download(classImageUris(ctx), classDir);
        }
        Path modelDir = models.fetch(job.baseModel());
        ctx.throwIfCancelled();

        TrainingConfig cfg = TrainingConfigs.of(job, work.resolve("instance"), classDir);
        FineTuningMethod method = method(job);
        JobKeysView keys = new JobKeysView(job.jobId());
        try (NDManager root = NDManager.newBaseManager()) {
            TrainingModel loaded = TrainingModels.load(modelDir, root);
            // provenance names the object-store URI, not this instance's cache folder: artifacts do not depend on
            // where they were trained
            TrainingModel model = new TrainingModel(loaded.unet(), loaded.denoiser(), loaded.textEncoder(),
                    loaded.textEncoderFn(), loaded.vae(), loaded.latentEncoder(), loaded.latentScalingFactor(),
                    loaded.tokenizer(), loaded.noiseSchedule(), job.baseModel(), loaded.baseModelDigest());
            try (Trainer trainer = new Trainer(model, method, cfg, root)) {
                NDArray inst = TrainingImages.load(instance, hp.resolution(), true, root);
                NDArray cls = classFiles == null ? null : TrainingImages.load(classFiles, hp.resolution(), true, root);
                trainer.useImages(inst, cls);
                int saved = resume(ctx, trainer, keys);
                int total = hp.steps();
                while (trainer.step() < total) {
                    ctx.throwIfCancelled();
                    if (ctx.shutdownRequested()) {
                        if (trainer.step() > saved) {
                            checkpoint(ctx, trainer, keys);
                        }
                        throw new StageAbandonedException("shutting down at step " + trainer.step() + " of " + total);
                    }
                    Trainer.StepOutcome out;
                    try {
                        out = trainer.runStep();
                    } catch (NanLossException e) {
                        throw new StageFailure(ErrorCode.NAN_LOSS, e.getMessage(), e);
                    }
                    ctx.progress(trainer.step(), total, hp.progressEvery(), (double) out.loss(),
                            (double) out.learningRate());
                    int every = hp.checkpointEvery();
                    if (every > 0 && trainer.step() % every == 0 && trainer.step() < total) {
                        saved = checkpoint(ctx, trainer, keys);
                    }
                }
                Path artifact = work.resolve("artifact");
                trainer.writeArtifact(artifact);
                ObjectKey folder = keys.artifacts();
                store.deletePrefix(folder); // a half-uploaded artifact of an earlier attempt must not mix in
                store.uploadFolder(artifact, folder);
                return StageOutcome.of(Map.of(OUTPUT, store.uri(folder).toString()));
            }
        }
    }

    /** A new instance of the job's method (constructed directly: reflective lookup crosses Quarkus class loaders). */
    static FineTuningMethod method(PersonalizationJob job) {
        return switch (job.method()) {
            case DREAMBOOTH -> new DreamBooth();
            case TEXTUAL_INVERSION -> new TextualInversionMethod();
            case SVDIFF -> new SvdiffMethod();
            case LORA -> new LoraMethod();
        };
    }

    /** The first {@code numClassImages} images of the class-image folder the prior stage produced. */
    private static List<String> classImageUris(StageContext ctx) {
        String folder = ctx.artifacts().get(CLASS_IMAGES);
        if (folder == null) {
            throw new StageFailure(ErrorCode.INVALID_PARAMETER, "prior preservation is enabled but no class images "
                    + "were handed over ('" + CLASS_IMAGES + "' missing; is the prior stage on the routing slip?)");
        }
        int n = ctx.job().priorPreservation().numClassImages();
        List<String> uris = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            uris.add(folder + String.format(Locale.ROOT, "%05d.png", i));
        }
        return uris;
    }

    /** Continues from the checkpoint an earlier attempt recorded; returns the step it is at. */
    private static int resume(StageContext ctx, Trainer trainer, JobKeysView keys) throws IOException {
        CheckpointRef ref = ctx.resumeFrom();
        if (ref == null) {
            return 0;
        }
        ObjectStore store = ctx.store();
        ObjectKey prefix = store.keyOf(ObjectUri.parse(ref.uri()));
        Path dir = ctx.workDir().resolve("resume").resolve("checkpoint-" + ref.step());
        store.downloadFolder(prefix, dir);
        trainer.resume(dir);
        LOG.infof("%s: resumed at step %d from %s (attempt %d)", ctx.jobId(), trainer.step(), ref.uri(),
                ctx.attempt());
        return trainer.step();
    }

    /** Writes a checkpoint, uploads it, then records it in the job state (and drops the previous one). */
    private static int checkpoint(StageContext ctx, Trainer trainer, JobKeysView keys) throws IOException {
        ObjectStore store = ctx.store();
        Path local = trainer.checkpoint(ctx.workDir().resolve("checkpoints"));
        ObjectKey prefix = keys.checkpoint(trainer.step());
        store.uploadFolder(local, prefix);
        CheckpointRef previous = ctx.resumeFrom();
        ctx.checkpointSaved(trainer.step(), store.uri(prefix).toString());
        deleteTree(local);
        for (var o : store.list(keys.checkpoints())) {
            if (!o.key().value().startsWith(prefix.value())) {
                store.delete(o.key()); // older checkpoints: only the recorded one is needed
            }
        }
        LOG.debugf("%s: checkpoint at step %d (previous %s)", ctx.jobId(), trainer.step(), previous);
        return trainer.step();
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    /** Object keys of one job's training outputs. */
    private record JobKeysView(String jobId) {
        ObjectKey checkpoints() {
            return ObjectKeys.job(jobId).checkpoints();
        }

        ObjectKey checkpoint(int step) {
            return checkpoints().folder("checkpoint-" + step);
        }

        ObjectKey artifacts() {
            return ObjectKeys.job(jobId).artifacts();
        }
    }
}
