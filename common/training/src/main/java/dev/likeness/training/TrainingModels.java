package dev.likeness.training;

import ai.djl.ndarray.NDManager;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.model.clip.ClipTextModel;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.model.unet.UNet2DConditionModel;
import dev.likeness.engine.tokenizer.ClipTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** Builds a {@link TrainingModel} from a diffusers Stable Diffusion folder. */
public final class TrainingModels {

    private TrainingModels() {
    }

    /** Loads UNet, text encoder, VAE encoder, tokenizer and noise schedule from {@code folder} into {@code manager}. */
    public static TrainingModel load(Path folder, NDManager manager) throws IOException {
        if (!Files.isRegularFile(folder.resolve("model_index.json"))) {
            throw new IOException(folder + " is not a diffusers model folder (no model_index.json)");
        }
        UNet2DConditionModel unet = UNet2DConditionModel.load(folder.resolve("unet"), manager);
        ClipTextModel textEncoder = ClipTextModel.load(folder.resolve("text_encoder"), manager);
        ClipTokenizer tokenizer = ClipTokenizer.load(folder.resolve("tokenizer"));
        NoiseSchedule schedule = NoiseSchedule.fromConfig(folder.resolve("scheduler/scheduler_config.json"));
        VaeEncoding vae = VaeEncoding.load(folder.resolve("vae"), manager);
        textEncoder.setTrainable(false);
        unet.setTrainable(false);
        return new TrainingModel(unet, unet::forward, textEncoder, ids -> textEncoder.forward(ids).lastHiddenState(),
                vae.module(), vae.encoder(), vae.scalingFactor(), new ClipPromptTokenizer(tokenizer), schedule,
                folder.toAbsolutePath().toString(), digest(folder));
    }

    /**
     * Wraps an already loaded engine model, sharing its modules: the engine's pipeline over {@code sd} then renders
     * with whatever the method trains or overrides (validation images, class-image generation).
     */
    public static TrainingModel from(StableDiffusionModel sd) throws IOException {
        Path folder = sd.folder().root();
        UNet2DConditionModel unet = sd.unet();
        ClipTextModel textEncoder = sd.textEncoder();
        AutoencoderKL vae = sd.vae();
        unet.setTrainable(false);
        textEncoder.setTrainable(false);
        vae.setTrainable(false);
        NoiseSchedule schedule = NoiseSchedule.fromConfig(folder.resolve("scheduler/scheduler_config.json"));
        return new TrainingModel(unet, unet::forward, textEncoder, ids -> textEncoder.forward(ids).lastHiddenState(),
                vae, pixels -> vae.encode(pixels).moments(), (float) vae.scalingFactor(),
                new ClipPromptTokenizer(sd.tokenizer()), schedule, folder.toAbsolutePath().toString(), digest(folder));
    }

    /**
     * SHA-256 over the weight files of UNet, text encoder and VAE (content, in a fixed order): the base model's
     * identity in artifact provenance.
     */
    public static String digest(Path folder) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (String f : List.of("unet/diffusion_pytorch_model.safetensors", "text_encoder/model.safetensors",
                    "vae/diffusion_pytorch_model.safetensors")) {
                Path p = folder.resolve(f);
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                md.update(f.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try (InputStream in = Files.newInputStream(p)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        md.update(buf, 0, n);
                    }
                }
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
