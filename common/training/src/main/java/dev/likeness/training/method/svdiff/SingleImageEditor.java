package dev.likeness.training.method.svdiff;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.pipeline.GenerationRequest;
import dev.likeness.engine.pipeline.GenerationResult;
import dev.likeness.engine.pipeline.TextToImagePipeline;
import dev.likeness.engine.scheduler.SchedulerType;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.TrainingModels;
import dev.likeness.training.linalg.SpectralCache;
import dev.likeness.training.loop.ProgressListener;
import dev.likeness.training.loop.Trainer;
import dev.likeness.training.loop.ValidationHook;

import java.io.IOException;
import java.util.Objects;

/**
 * CoSINE single-image editing with SVDiff (Han et al. 2023, §5): fine-tune spectral shifts on one image and its
 * caption (no prior preservation, λ = 0), then edit by prompt: DDIM-invert the image under the shifted model, optionally
 * slerp the inverted noise towards fresh Gaussian noise (more freedom for the edit), and sample with the edit prompt
 * using DDIM with {@code η > 0}. The base model is left as it was after each call.
 */
public final class SingleImageEditor {

    /**
     * @param fineTuneSteps      optimisation steps on the single image
     * @param learningRate       spectral-shift learning rate
     * @param steps              DDIM steps for inversion and sampling
     * @param guidanceScale      classifier-free guidance of the edit
     * @param eta                DDIM η of the edit (0 = deterministic)
     * @param slerpToNoise       0 = pure inversion, 1 = fresh noise (ignores the image)
     * @param seed               seed of fine-tuning, slerp noise and sampling
     */
    public record Settings(int fineTuneSteps, float learningRate, int steps, float guidanceScale, float eta,
                           float slerpToNoise, long seed) {
        public Settings {
            if (fineTuneSteps < 1 || steps < 1) {
                throw new IllegalArgumentException("fineTuneSteps and steps must be >= 1");
            }
            if (!(slerpToNoise >= 0 && slerpToNoise <= 1)) {
                throw new IllegalArgumentException("slerpToNoise must be in [0, 1], got " + slerpToNoise);
            }
            if (eta < 0) {
                throw new IllegalArgumentException("eta must be >= 0, got " + eta);
            }
        }

        /** The paper's single-image setting: 500 steps at 1e-3, 50 DDIM steps, guidance 7.5, η 0.5, slerp 0. */
        public static Settings defaults() {
            return new Settings(500, 1e-3f, 50, 7.5f, 0.5f, 0f, 0);
        }
    }

    private final StableDiffusionModel model;
    private final SpectralCache cache;

    public SingleImageEditor(StableDiffusionModel model, SpectralCache cache) {
        this.model = Objects.requireNonNull(model, "model");
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    /**
     * Fine-tunes spectral shifts on one image.
     *
     * @param image01 {@code [1, 3, height, width]} in [0, 1]
     * @param caption describes the image (used as is, no identifier)
     */
    public SpectralShifts fineTune(NDArray image01, String caption, Settings s) throws IOException {
        if (image01.getShape().dimension() != 4 || image01.getShape().get(0) != 1 || image01.getShape().get(1) != 3) {
            throw new IllegalArgumentException("single-image editing needs one [1, 3, h, w] image, got "
                    + image01.getShape());
        }
        TrainingModel tm = TrainingModels.from(model);
        TrainingConfig cfg = TrainingConfig.builder(SvdiffMethod.ID).instancePrompt(caption)
                .resolution((int) image01.getShape().get(2)).maxSteps(s.fineTuneSteps())
                .spectralShiftLearningRate(s.learningRate()).seed(s.seed()).build();
        SvdiffMethod method = new SvdiffMethod(cache);
        try (NDManager m = model.manager().newSubManager(); Trainer trainer = new Trainer(tm, method, cfg, m)) {
            NDArray pixels;
            try (NDArray doubled = image01.mul(2f)) { // no autograd here: plain numbers are safe
                pixels = doubled.sub(1f);
            }
            pixels.attach(m);
            trainer.useImages(pixels, null);
            trainer.train(ProgressListener.NONE, ValidationHook.NONE);
            return method.shifts(trainer.provenance());
        }
    }

    /**
     * Edits an image with already fine-tuned shifts.
     *
     * @param image01       {@code [1, 3, height, width]} in [0, 1]
     * @param caption       the caption the shifts were trained with (inversion prompt)
     * @param editPrompt    the wanted image, e.g. the caption with one word changed
     * @return {@code [1, 3, height, width]} in [0, 1], in {@code manager}
     */
    public NDArray edit(SpectralShifts shifts, NDArray image01, String caption, String editPrompt, Settings s,
                        NDManager manager) {
        TextToImagePipeline pipeline = new TextToImagePipeline(model);
        try (SpectralShifts.Applied ignored = shifts.applyTo(model.unet(), model.textEncoder(), cache,
                model.manager()); NDManager run = model.manager().newSubManager()) {
            NDArray inverted = pipeline.invert(image01, caption, s.steps(), 1f, run);
            NDArray start = inverted;
            if (s.slerpToNoise() > 0) {
                Engine.getInstance().setRandomSeed((int) s.seed());
                NDArray noise = run.randomNormal(0f, 1f, inverted.getShape(), DataType.FLOAT32);
                start = slerp(inverted, noise, s.slerpToNoise());
            }
            GenerationRequest request = GenerationRequest.builder(editPrompt).size((int) image01.getShape().get(2),
                    (int) image01.getShape().get(3)).steps(s.steps()).guidanceScale(s.guidanceScale())
                    .scheduler(SchedulerType.DDIM).eta(s.eta()).seed(s.seed()).initialLatents(start).build();
            try (GenerationResult result = pipeline.generate(request, run)) {
                NDArray images = result.images().duplicate();
                images.attach(manager);
                return images;
            }
        }
    }

    /**
     * Spherical interpolation between two tensors seen as flat vectors:
     * {@code sin((1−t)θ)/sin θ · a + sin(tθ)/sin θ · b}, {@code θ} the angle between them (linear when nearly parallel).
     *
     * @return same shape as {@code a}, in {@code a}'s manager
     */
    public static NDArray slerp(NDArray a, NDArray b, float t) {
        if (!a.getShape().equals(b.getShape())) {
            throw new IllegalArgumentException("slerp needs equal shapes, got " + a.getShape() + " and "
                    + b.getShape());
        }
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double dot = 0;
        double nx = 0;
        double ny = 0;
        for (int i = 0; i < x.length; i++) {
            dot += (double) x[i] * y[i];
            nx += (double) x[i] * x[i];
            ny += (double) y[i] * y[i];
        }
        double cos = dot / Math.sqrt(nx * ny);
        double wa;
        double wb;
        if (Math.abs(cos) > 0.9995) {
            wa = 1 - t;
            wb = t;
        } else {
            double theta = Math.acos(cos);
            wa = Math.sin((1 - t) * theta) / Math.sin(theta);
            wb = Math.sin(t * theta) / Math.sin(theta);
        }
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (wa * x[i] + wb * y[i]);
        }
        return a.getManager().create(out, a.getShape());
    }
}
