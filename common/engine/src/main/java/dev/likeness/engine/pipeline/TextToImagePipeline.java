package dev.likeness.engine.pipeline;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.model.clip.ClipTextOutput;
import dev.likeness.engine.model.vae.DiagonalGaussian;
import dev.likeness.engine.scheduler.DdimScheduler;
import dev.likeness.engine.scheduler.Scheduler;
import dev.likeness.engine.scheduler.SchedulerConfig;
import dev.likeness.engine.scheduler.SchedulerType;
import dev.likeness.engine.scheduler.StepOutput;

import java.util.List;

/**
 * Stable Diffusion text-to-image (and image-to-image) sampling, step for step as diffusers'
 * {@code StableDiffusionPipeline} / {@code StableDiffusionImg2ImgPipeline}: tokenizer → text encoder → scheduler loop
 * over the UNet with classifier-free guidance (unconditional and conditional in one UNet batch) → VAE decode.
 *
 * <p>Memory: every step runs in its own {@link NDScope}; only the new latents survive a step, so a run of any length
 * holds a constant number of arrays. Results are attached to the caller's manager. Not thread-safe per instance of
 * the model (one generation at a time per model).
 */
public final class TextToImagePipeline {

    private final StableDiffusionModel model;

    public TextToImagePipeline(StableDiffusionModel model) {
        this.model = model;
    }

    /** Runs one generation; the result's arrays belong to {@code manager}. */
    public GenerationResult generate(GenerationRequest request, NDManager manager) {
        int height = request.height() > 0 ? request.height() : model.defaultImageSize();
        int width = request.width() > 0 ? request.width() : model.defaultImageSize();
        int f = model.vaeScaleFactor();
        if (height % f != 0 || width % f != 0) {
            throw new IllegalArgumentException("height and width must be multiples of " + f + ", got " + height
                    + "x" + width);
        }
        Scheduler scheduler = scheduler(request.scheduler());
        if (scheduler instanceof DdimScheduler ddim) {
            ddim.setEta(request.eta());
        }
        if (request.seed() != null) {
            Engine.getInstance().setRandomSeed(request.seed().intValue());
        }
        int batch = request.numImagesPerPrompt();
        try (InferenceMode noGrad = new InferenceMode(); NDManager run = model.manager().newSubManager()) {
            NDArray embeds = textConditioning(request, batch, run);
            scheduler.setTimesteps(request.steps());
            long[] timesteps = scheduler.timesteps();
            NDArray latents;
            if (request.initImage() != null) {
                int start = imageToImageStart(request.steps(), request.strength());
                timesteps = java.util.Arrays.copyOfRange(timesteps, start, timesteps.length);
                if (timesteps.length == 0) {
                    throw new IllegalArgumentException("strength " + request.strength() + " with " + request.steps()
                            + " steps leaves no denoising step");
                }
                latents = noisedImageLatents(request, scheduler, timesteps[0], batch, height, width, run);
            } else {
                latents = initialLatents(request, scheduler, batch, height / f, width / f, run);
            }
            latents = denoise(request, scheduler, timesteps, latents, embeds, run);
            NDArray images = decode(latents);
            images.attach(manager);
            latents.attach(manager);
            return new GenerationResult(images, latents);
        }
    }

    /**
     * DDIM inversion: runs DDIM backwards from clean latents to the noise level of the first timestep, so that
     * sampling from the result with the same prompt, steps and guidance approximately reconstructs the image.
     *
     * @param image01  {@code [1, 3, height, width]} in [0, 1]
     * @return inverted latents {@code [1, 4, height / f, width / f]} in {@code manager}
     */
    public NDArray invert(NDArray image01, String prompt, int steps, float guidanceScale, NDManager manager) {
        DdimScheduler ddim = (DdimScheduler) scheduler(SchedulerType.DDIM);
        ddim.setTimesteps(steps);
        long[] ts = ddim.timesteps();
        GenerationRequest request = GenerationRequest.builder(prompt).guidanceScale(guidanceScale).steps(steps).build();
        try (InferenceMode noGrad = new InferenceMode(); NDManager run = model.manager().newSubManager()) {
            NDArray embeds = textConditioning(request, 1, run);
            NDArray latents = encodeImage(image01, null, run);
            for (int i = ts.length - 1; i >= 0; i--) {
                long t = ts[i];
                NDArray next;
                try (NDScope scope = new NDScope()) {
                    NDArray noise = guidedNoise(request, ddim, t, latents, embeds, run);
                    StepOutput out = ddim.inverseStep(noise, t, latents);
                    next = out.prevSample();
                    NDScope.unregister(next);
                }
                latents.close();
                latents = next;
            }
            latents.attach(manager);
            return latents;
        }
    }

    /** The VAE latents of an image: mean (or a sample with {@code eps}) times the scaling factor. */
    public NDArray encodeImage(NDArray image01, NDArray eps, NDManager manager) {
        try (InferenceMode noGrad = new InferenceMode(); NDScope scope = new NDScope()) {
            NDArray pixels = image01.toDevice(model.manager().getDevice(), false).mul(2f).sub(1f);
            NDArray latents;
            try (DiagonalGaussian dist = model.vae().encode(pixels)) {
                latents = (eps == null ? dist.mean() : dist.sample(eps)).mul((float) model.vae().scalingFactor());
            }
            latents.attach(manager);
            NDScope.unregister(latents);
            return latents;
        }
    }

    /** Decodes latents to images in [0, 1]: {@code clamp(vae.decode(z / s) / 2 + 0.5, 0, 1)}. */
    public NDArray decode(NDArray latents) {
        try (InferenceMode noGrad = new InferenceMode(); NDScope scope = new NDScope()) {
            NDArray decoded = model.vae().decode(latents.div((float) model.vae().scalingFactor()));
            NDArray images = decoded.div(2f).add(0.5f).clip(0f, 1f);
            NDScope.unregister(images);
            return images;
        }
    }

    /** A fresh scheduler of the given type (null = the folder's) configured from the model folder. */
    public Scheduler scheduler(SchedulerType type) {
        SchedulerConfig config = model.schedulerConfig();
        return (type == null ? config : config.withType(type)).create();
    }

    /**
     * Text embeddings for the UNet: {@code [2·batch, 77, dim]} (unconditional first) with guidance, else
     * {@code [batch, 77, dim]}.
     */
    public NDArray textConditioning(GenerationRequest request, int batch, NDManager manager) {
        try (InferenceMode noGrad = new InferenceMode(); NDScope scope = new NDScope()) {
            NDArray cond = request.promptEmbeds() != null ? onDevice(request.promptEmbeds())
                    : encodePrompt(request.prompt());
            cond = repeatToBatch(cond, batch);
            NDArray out = cond;
            if (request.guided()) {
                NDArray uncond = request.negativePromptEmbeds() != null ? onDevice(request.negativePromptEmbeds())
                        : encodePrompt(request.negativePrompt());
                out = NDArrays.concat(new NDList(repeatToBatch(uncond, batch), cond), 0);
            }
            out = out.duplicate();
            out.attach(manager);
            NDScope.unregister(out);
            return out;
        }
    }

    /** {@code last_hidden_state} of the text encoder for one prompt: {@code [1, 77, dim]}. */
    public NDArray encodePrompt(String prompt) {
        NDArray ids = model.tokenizer().encodeBatch(List.of(prompt), model.manager());
        try (InferenceMode noGrad = new InferenceMode(); ClipTextOutput out = model.textEncoder().forward(ids)) {
            NDArray hidden = out.lastHiddenState().duplicate();
            ids.close();
            return hidden;
        }
    }

    private NDArray onDevice(NDArray a) {
        return a.toDevice(model.manager().getDevice(), false);
    }

    /** diffusers: {@code embeds.repeat(1, n, 1).view(bs * n, seq, -1)} for a single prompt. */
    private static NDArray repeatToBatch(NDArray embeds, int batch) {
        long b = embeds.getShape().get(0);
        if (b == batch) {
            return embeds;
        }
        if (b != 1) {
            throw new IllegalArgumentException("prompt embeddings have batch " + b + " but " + batch
                    + " images were requested");
        }
        return embeds.repeat(0, batch);
    }

    private NDArray initialLatents(GenerationRequest request, Scheduler scheduler, int batch, int h, int w,
                                   NDManager run) {
        Shape shape = new Shape(batch, model.unet().config().inChannels(), h, w);
        NDArray noise;
        if (request.initialLatents() != null) {
            if (!request.initialLatents().getShape().equals(shape)) {
                throw new IllegalArgumentException("initial latents must be " + shape + " but are "
                        + request.initialLatents().getShape());
            }
            noise = request.initialLatents().toDevice(run.getDevice(), true);
            noise.attach(run);
        } else {
            noise = run.randomNormal(shape, DataType.FLOAT32);
        }
        float sigma = scheduler.initNoiseSigma();
        if (sigma == 1f) {
            return noise;
        }
        NDArray scaled = noise.mul(sigma);
        noise.close();
        return scaled;
    }

    /** diffusers img2img: {@code init_timestep = min(int(steps·strength), steps)}, start at steps − init_timestep. */
    static int imageToImageStart(int steps, float strength) {
        int init = Math.min((int) (steps * strength), steps);
        return Math.max(steps - init, 0);
    }

    private NDArray noisedImageLatents(GenerationRequest request, Scheduler scheduler, long t, int batch,
                                       int height, int width, NDManager run) {
        NDArray image = request.initImage();
        Shape s = image.getShape();
        if (s.dimension() != 4 || s.get(1) != 3 || s.get(2) != height || s.get(3) != width) {
            throw new IllegalArgumentException("init image must be [1 or " + batch + ", 3, " + height + ", " + width
                    + "] in [0, 1] but is " + s);
        }
        try (NDScope scope = new NDScope()) {
            NDArray img = repeatToBatch(image, batch);
            int f = model.vaeScaleFactor();
            Shape latentShape = new Shape(batch, model.vae().config().latentChannels(), height / f, width / f);
            NDArray posteriorNoise = run.randomNormal(latentShape, DataType.FLOAT32);
            NDArray latents = encodeImage(img, posteriorNoise, run);
            NDArray noise = run.randomNormal(latentShape, DataType.FLOAT32);
            NDArray ts = run.create(new long[] {t}).repeat(0, batch);
            NDArray noised = scheduler.addNoise(latents, noise, ts);
            noised.attach(run);
            NDScope.unregister(noised);
            return noised;
        }
    }

    private NDArray denoise(GenerationRequest request, Scheduler scheduler, long[] timesteps, NDArray latents,
                            NDArray embeds, NDManager run) {
        NDArray current = latents;
        for (int i = 0; i < timesteps.length; i++) {
            long t = timesteps[i];
            NDArray next;
            try (NDScope scope = new NDScope()) {
                NDArray noise = guidedNoise(request, scheduler, t, current, embeds, run);
                next = scheduler.step(noise, t, current).prevSample();
                next.attach(run);
                NDScope.unregister(next);
            }
            current.close();
            current = next;
            request.callback().onStep(i, timesteps.length, t, current);
        }
        return current;
    }

    /** ε̂ = ε_u + g·(ε_c − ε_u) from one UNet call on the doubled batch (or ε_c without guidance). */
    private NDArray guidedNoise(GenerationRequest request, Scheduler scheduler, long t, NDArray latents,
                                NDArray embeds, NDManager run) {
        NDArray input = request.guided() ? NDArrays.concat(new NDList(latents, latents), 0) : latents;
        NDArray scaled = scheduler.scaleModelInput(input, t);
        NDArray timestep = run.create(t);
        NDArray pred = model.unet().forward(scaled, timestep, embeds);
        if (!request.guided()) {
            return pred;
        }
        NDList halves = pred.split(2, 0);
        NDArray uncond = halves.get(0);
        NDArray text = halves.get(1);
        return uncond.add(text.sub(uncond).mul(request.guidanceScale()));
    }
}
