package dev.likeness.renderer.render;

import ai.djl.ndarray.NDManager;
import dev.likeness.contracts.events.ErrorCode;
import dev.likeness.contracts.events.RenderCompleted;
import dev.likeness.contracts.jobs.SchedulerName;
import dev.likeness.contracts.render.RenderRequest;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.pipeline.GenerationRequest;
import dev.likeness.engine.pipeline.GenerationResult;
import dev.likeness.engine.pipeline.Images;
import dev.likeness.engine.pipeline.TextToImagePipeline;
import dev.likeness.engine.scheduler.SchedulerType;
import dev.likeness.jobs.stage.StageFailure;
import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectKeys;
import dev.likeness.objectstore.ObjectNotFoundException;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.training.artifact.ArtifactOptions;
import dev.likeness.training.artifact.ArtifactSet;
import dev.likeness.training.linalg.SpectralCache;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Renders one {@link RenderRequest}: base model from the {@link ModelCache}, the request's artifacts applied on top
 * (and removed afterwards, so the cached model stays the base model), every prompt × seed, then uploads the PNGs,
 * a contact sheet and finally {@code render.json} under {@code renders/<requestId>/}. The manifest is written last:
 * its presence means the render is complete, so a redelivered request is answered from it without rendering again.
 */
public final class Renderer {

    /** Written last; its presence marks a finished render. */
    public static final String MANIFEST = "render.json";
    /** The grid of every image. */
    public static final String CONTACT_SHEET = "contact-sheet.png";

    private final ObjectStore store;
    private final ModelCache models;
    private final SpectralCache spectralCache;
    private final Path workDir;
    private final Duration downloadExpiry;

    public Renderer(ObjectStore store, ModelCache models, SpectralCache spectralCache, Path workDir,
                    Duration downloadExpiry) {
        this.store = store;
        this.models = models;
        this.spectralCache = spectralCache;
        this.workDir = workDir;
        this.downloadExpiry = downloadExpiry;
    }

    /** What an earlier run of this request left, or {@code null} when it has not finished. */
    public RenderCompleted finished(String requestId) {
        ObjectKey manifest = ObjectKeys.renders(requestId).resolve(MANIFEST);
        try {
            RenderManifest m = store.getJson(manifest, RenderManifest.class);
            return new RenderCompleted(m.images(), downloads(m.images()), m.elapsedSeconds());
        } catch (ObjectNotFoundException e) {
            return null;
        }
    }

    /** Renders and uploads everything, then returns the completion payload (images in prompt-major order). */
    public RenderCompleted render(RenderRequest request) {
        long start = System.nanoTime();
        Path dir = workDir.resolve("render-" + request.requestId() + "-" + System.nanoTime());
        try {
            Files.createDirectories(dir);
            ArtifactOptions options = ArtifactFiles.download(store, request.artifacts(), dir);
            ArtifactSet artifacts = loadArtifacts(options);
            StableDiffusionModel model = models.get(request.model());
            List<List<BufferedImage>> rows = generate(model, artifacts, request);

            ObjectKey folder = ObjectKeys.renders(request.requestId());
            List<String> uris = new ArrayList<>();
            for (int p = 0; p < rows.size(); p++) {
                for (int s = 0; s < rows.get(p).size(); s++) {
                    ObjectKey key = folder.resolve(imageName(p, request.seeds().get(s)));
                    store.put(key, png(rows.get(p).get(s)), "image/png");
                    uris.add(store.uri(key).toString());
                }
            }
            store.put(folder.resolve(CONTACT_SHEET), png(ContactSheet.compose(request.prompts(), rows)), "image/png");
            double elapsed = (System.nanoTime() - start) / 1e9;
            store.putJson(folder.resolve(MANIFEST), new RenderManifest(request.requestId(), uris,
                    store.uri(folder.resolve(CONTACT_SHEET)).toString(), elapsed));
            return new RenderCompleted(uris, downloads(uris), elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException("render " + request.requestId() + " failed: " + e.getMessage(), e);
        } finally {
            deleteTree(dir);
        }
    }

    /** {@code p00-s0000000042.png}: prompt index, then seed, so names sort prompt-major like the event's list. */
    public static String imageName(int prompt, long seed) {
        return String.format(Locale.ROOT, "p%02d-s%010d.png", prompt, seed);
    }

    private List<List<BufferedImage>> generate(StableDiffusionModel model, ArtifactSet artifacts, RenderRequest r) {
        TextToImagePipeline pipeline = new TextToImagePipeline(model);
        List<List<BufferedImage>> rows = new ArrayList<>();
        ArtifactSet.Applied applied;
        try {
            applied = artifacts.applyTo(model, spectralCache);
        } catch (IllegalArgumentException e) {
            throw new StageFailure(ErrorCode.MODEL_INVALID, "the artifacts do not fit base model " + r.model() + ": "
                    + e.getMessage(), e);
        }
        try (applied; NDManager run = model.manager().newSubManager()) {
            for (String prompt : r.prompts()) {
                List<BufferedImage> row = new ArrayList<>();
                for (long seed : r.seeds()) {
                    GenerationRequest g = GenerationRequest.builder(artifacts.expandPrompt(prompt))
                            .negativePrompt(r.negativePrompt())
                            .steps(r.steps())
                            .guidanceScale(r.guidance().floatValue())
                            .size(r.height(), r.width())
                            .scheduler(scheduler(r.scheduler()))
                            .seed(seed)
                            .build();
                    try (GenerationResult result = pipeline.generate(g, run)) {
                        row.add(Images.toBufferedImages(result.images()).get(0));
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static ArtifactSet loadArtifacts(ArtifactOptions options) {
        try {
            return ArtifactSet.load(options);
        } catch (IOException | RuntimeException e) {
            throw new StageFailure(ErrorCode.MODEL_INVALID, "an artifact cannot be read: " + e.getMessage(), e);
        }
    }

    /** The engine's sampler for a wire scheduler name. */
    public static SchedulerType scheduler(SchedulerName name) {
        return switch (name) {
            case DDIM, PNDM -> SchedulerType.DDIM; // PNDM samples well with DDIM (same parameterisation)
            case DDPM -> SchedulerType.DDPM;
            case EULER, EULER_ANCESTRAL -> SchedulerType.EULER;
            case DPM_SOLVER_MULTISTEP -> SchedulerType.DPM_SOLVER_MULTISTEP;
        };
    }

    private List<String> downloads(List<String> uris) {
        List<String> out = new ArrayList<>();
        for (String uri : uris) {
            out.add(store.presignedGetUrl(store.keyOf(dev.likeness.objectstore.ObjectUri.parse(uri)), downloadExpiry)
                    .toString());
        }
        return out;
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer");
        }
        return out.toByteArray();
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // scratch space; the next start cleans the work folder
        }
    }

    /** The content of {@code render.json}. */
    public record RenderManifest(String requestId, List<String> images, String contactSheet, double elapsedSeconds) {
    }
}
