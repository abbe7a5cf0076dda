package dev.likeness.engine.folder;

import ai.djl.ndarray.NDManager;
import dev.likeness.engine.device.Devices;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.model.unet.UNet2DConditionModel;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.scheduler.SchedulerConfig;
import dev.likeness.engine.tokenizer.ClipTokenizer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A Stable Diffusion model loaded from a local diffusers folder: tokenizer, CLIP text encoder, UNet, VAE and the
 * scheduler config. Owns the {@link NDManager} that holds every weight; {@link #close()} frees them all. Weights are
 * loaded frozen (not trainable); a trainer unfreezes what it trains with {@code setTrainable}.
 */
public final class StableDiffusionModel implements AutoCloseable {

    private final ModelFolder folder;
    private final NDManager manager;
    private final ClipTokenizer tokenizer;
    private final ClipTextModel textEncoder;
    private final UNet2DConditionModel unet;
    private final AutoencoderKL vae;
    private final SchedulerConfig schedulerConfig;
    private final int vaeScaleFactor;

    private StableDiffusionModel(ModelFolder folder, NDManager manager, ClipTokenizer tokenizer,
                                 ClipTextModel textEncoder, UNet2DConditionModel unet, AutoencoderKL vae,
                                 SchedulerConfig schedulerConfig, int vaeScaleFactor) {
        this.folder = folder;
        this.manager = manager;
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.unet = unet;
        this.vae = vae;
        this.schedulerConfig = schedulerConfig;
        this.vaeScaleFactor = vaeScaleFactor;
    }

    /** Loads onto {@link Devices#preferred()} in a manager of its own. */
    public static StableDiffusionModel load(Path root) throws IOException {
        return load(root, NDManager.newBaseManager(Devices.preferred()));
    }

    /**
     * Loads every component into {@code manager}, which the returned model then owns (and closes).
     *
     * @throws IOException naming the missing component or file
     */
    public static StableDiffusionModel load(Path root, NDManager manager) throws IOException {
        try {
            ModelFolder folder = ModelFolder.open(root);
            ClipTokenizer tokenizer = ClipTokenizer.load(folder.component(ModelFolder.TOKENIZER));
            SchedulerConfig scheduler = SchedulerConfig.read(
                    folder.component(ModelFolder.SCHEDULER).resolve("scheduler_config.json"));
            ClipTextModel text = ClipTextModel.load(folder.component(ModelFolder.TEXT_ENCODER), manager);
            UNet2DConditionModel unet = UNet2DConditionModel.load(folder.component(ModelFolder.UNET), manager);
            AutoencoderKL vae = AutoencoderKL.load(folder.component(ModelFolder.VAE), manager);
            // Loaded for inference: frozen weights record no autograd graph (training unfreezes what it trains).
            text.setTrainable(false);
            unet.setTrainable(false);
            vae.setTrainable(false);
            return new StableDiffusionModel(folder, manager, tokenizer, text, unet, vae, scheduler,
                    vae.config().downscaleFactor());
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public ModelFolder folder() {
        return folder;
    }

    /** The manager holding the weights (its device is where inference runs). */
    public NDManager manager() {
        return manager;
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    public ClipTextModel textEncoder() {
        return textEncoder;
    }

    public UNet2DConditionModel unet() {
        return unet;
    }

    public AutoencoderKL vae() {
        return vae;
    }

    /** The folder's scheduler config (choose another sampler with {@code withType}). */
    public SchedulerConfig schedulerConfig() {
        return schedulerConfig;
    }

    /** Pixels per latent cell: 2^(number of VAE levels − 1), 8 for SD. */
    public int vaeScaleFactor() {
        return vaeScaleFactor;
    }

    /** Default image side: UNet sample_size × VAE scale factor (512 for SD 1.x, 64 for tiny-sd). */
    public int defaultImageSize() {
        Integer sampleSize = unet.config().sampleSize();
        return (sampleSize != null ? sampleSize : 64) * vaeScaleFactor;
    }

    @Override
    public void close() {
        manager.close();
    }
}
