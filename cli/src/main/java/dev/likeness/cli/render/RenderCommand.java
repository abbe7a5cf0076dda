package dev.likeness.cli.render;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.device.Devices;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.io.SafeTensorsWriter;
import dev.likeness.engine.pipeline.GenerationRequest;
import dev.likeness.engine.pipeline.GenerationResult;
import dev.likeness.engine.pipeline.Images;
import dev.likeness.engine.pipeline.TextToImagePipeline;
import dev.likeness.engine.scheduler.SchedulerType;
import dev.likeness.training.artifact.ArtifactOptions;
import dev.likeness.training.artifact.ArtifactSet;
import dev.likeness.training.linalg.FolderSpectralStore;
import dev.likeness.training.linalg.SpectralCache;
import dev.likeness.training.method.svdiff.SvdiffMethod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code likeness render}: text-to-image (or image-to-image) with a local diffusers model folder. */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Render images from a prompt with a local diffusers Stable Diffusion folder.")
public final class RenderCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "diffusers model folder (model_index.json, unet/, …)")
    Path model;

    @Option(names = "--prompt", required = true, description = "text prompt")
    String prompt;

    @Option(names = "--negative-prompt", defaultValue = "", description = "negative prompt (default: empty)")
    String negativePrompt;

    @Option(names = "--seed", description = "random seed for the initial noise")
    Long seed;

    @Option(names = "--latents", description = "safetensors file with the initial latents [batch, 4, h, w] "
            + "(tensor 'latents', 'latents_init', or the only tensor)")
    Path latents;

    @Option(names = "--steps", defaultValue = "20", description = "denoising steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--scheduler", description = "ddim, ddpm, euler or dpm++ (default: the model folder's)")
    String scheduler;

    @Option(names = "--guidance", defaultValue = "7.5", description = "classifier-free guidance scale "
            + "(default: ${DEFAULT-VALUE}; <= 1 disables guidance)")
    float guidance;

    @Option(names = "--width", defaultValue = "0", description = "image width in pixels (default: the model's)")
    int width;

    @Option(names = "--height", defaultValue = "0", description = "image height in pixels (default: the model's)")
    int height;

    @Option(names = "--num-images", defaultValue = "1", description = "images per prompt (default: ${DEFAULT-VALUE})")
    int numImages;

    @Option(names = "--init-image", description = "image-to-image: source image (PNG/JPEG) of the output size")
    Path initImage;

    @Option(names = "--strength", defaultValue = "0.8", description = "image-to-image strength (default: ${DEFAULT-VALUE})")
    float strength;

    @Option(names = "--output", required = true, description = "output PNG; further images get -1, -2, … suffixes")
    Path output;

    @Option(names = "--save-latents", description = "also write the final latents to this safetensors file")
    Path saveLatents;

    @Option(names = "--quiet", description = "no progress output")
    boolean quiet;

    @Option(names = "--svdiff", paramLabel = "FILE[:WEIGHT]",
            description = "spectral shifts to apply (spectral_shifts.safetensors), repeatable; several are combined "
                    + "as sigma + sum(weight_i * delta_i) (weight default 1)")
    List<String> svdiff = new ArrayList<>();

    @Option(names = "--embeddings", paramLabel = "FILE",
            description = "Textual Inversion embeddings (learned_embeds.safetensors), repeatable")
    List<String> embeddings = new ArrayList<>();

    @Option(names = "--lora", paramLabel = "FILE[:SCALE]",
            description = "LoRA weights (pytorch_lora_weights.safetensors) with an optional scale (default 1)")
    String lora;

    @Option(names = "--svd-cache", paramLabel = "DIR",
            description = "where the base model's SVD is cached for --svdiff (default: $LIKENESS_SVD_CACHE or "
                    + "~/.cache/likeness/svd)")
    Path svdCache;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred());
             StableDiffusionModel sd = StableDiffusionModel.load(model, manager.newSubManager())) {
            ArtifactSet artifacts = ArtifactSet.load(ArtifactOptions.parse(svdiff, embeddings, lora));
            // the artifacts change the loaded model's effective weights and tokenizer until closed
            try (ArtifactSet.Applied applied = artifacts.applyTo(sd,
                    new SpectralCache(new FolderSpectralStore(svdCache != null ? svdCache : SvdiffMethod.defaultCacheDir())))) {
                render(sd, artifacts.expandPrompt(prompt), manager, out, start);
            }
        }
        return 0;
    }

    private void render(StableDiffusionModel sd, String fullPrompt, NDManager manager, PrintStream out, long start)
            throws IOException {
        {
            TextToImagePipeline pipeline = new TextToImagePipeline(sd);
            GenerationRequest.Builder request = GenerationRequest.builder(fullPrompt)
                    .negativePrompt(negativePrompt)
                    .steps(steps)
                    .guidanceScale(guidance)
                    .size(height, width)
                    .numImagesPerPrompt(numImages)
                    .seed(seed)
                    .scheduler(scheduler == null ? null : SchedulerType.parse(scheduler));
            if (latents != null) {
                request.initialLatents(readLatents(latents, manager));
            }
            if (initImage != null) {
                request.initImage(Images.readImage(initImage, manager), strength);
            }
            if (!quiet) {
                out.printf("model %s on %s%n", model, Devices.describe(manager.getDevice()));
                request.callback((step, total, t, l) -> out.printf("step %d/%d (t=%d)%n", step + 1, total, t));
            }
            try (GenerationResult result = pipeline.generate(request.build(), manager)) {
                List<Path> written = Images.writePngs(result.images(), output);
                if (saveLatents != null) {
                    SafeTensorsWriter.write(saveLatents, Map.of("latents", result.latents()),
                            Map.of("prompt", prompt, "steps", Integer.toString(steps)));
                }
                if (!quiet) {
                    written.forEach(p -> out.println("wrote " + p));
                    out.printf("done in %.1f s%n", (System.nanoTime() - start) / 1e9);
                }
            }
        }
    }

    private static NDArray readLatents(Path file, NDManager manager) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            for (String key : List.of("latents", "latents_init")) {
                if (f.contains(key)) {
                    return copy(f, key, manager);
                }
            }
            if (f.names().size() == 1) {
                return copy(f, f.names().iterator().next(), manager);
            }
            throw new IllegalArgumentException(file + " has no tensor 'latents' or 'latents_init' (has "
                    + f.names() + ")");
        }
    }

    /** A heap copy: the loaded array aliases the file's memory map, which closes with the file. */
    private static NDArray copy(SafeTensorsFile f, String key, NDManager manager) {
        try (NDArray mapped = f.loadFloat32(key, manager)) {
            return mapped.duplicate();
        }
    }
}
