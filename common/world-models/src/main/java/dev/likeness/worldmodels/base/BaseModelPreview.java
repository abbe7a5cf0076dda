package dev.likeness.worldmodels.base;

import ai.djl.ndarray.NDManager;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.pipeline.GenerationRequest;
import dev.likeness.engine.pipeline.GenerationResult;
import dev.likeness.engine.pipeline.Images;
import dev.likeness.engine.pipeline.TextToImagePipeline;
import dev.likeness.engine.scheduler.SchedulerType;
import dev.likeness.world.image.ContactSheet;
import dev.likeness.world.image.RgbImage;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A contact sheet of base-model renders for looking at quality: one row per prompt, {@link #SEEDS} seeds each,
 * DDIM 25 steps at guidance 5.
 */
public final class BaseModelPreview {

    /** Short and full prompts, class and personalization-style ("a photo of a vase"). */
    public static final List<String> PROMPTS = List.of(
            "a red ball",
            "a blue cube on grass",
            "a photo of a vase",
            "a yellow star in the sky",
            "a green ring on snow, at the top left",
            "a large purple heart on sand, in the center",
            "a white cone at night",
            "a small orange striped cylinder on water, on the right",
            "a vase on snow, at the bottom right",
            "a large black dotted ball in front of a brick wall, in the center");
    public static final int SEEDS = 6;

    private BaseModelPreview() {
    }

    /** Renders {@link #PROMPTS} with the folder's model and writes the sheet (rows = prompts) to {@code png}. */
    public static Path write(Path modelFolder, Path png) throws IOException {
        List<RgbImage> tiles = new ArrayList<>();
        try (StableDiffusionModel model = StableDiffusionModel.load(modelFolder);
             NDManager m = model.manager().newSubManager()) {
            TextToImagePipeline pipeline = new TextToImagePipeline(model);
            for (String prompt : PROMPTS) {
                GenerationRequest req = GenerationRequest.builder(prompt).numImagesPerPrompt(SEEDS).steps(25)
                        .guidanceScale(5f).scheduler(SchedulerType.DDIM).seed(7L).build();
                try (GenerationResult r = pipeline.generate(req, m)) {
                    for (BufferedImage img : Images.toBufferedImages(r.images())) {
                        tiles.add(RgbImage.of(img));
                    }
                }
            }
        }
        ContactSheet.of(tiles, SEEDS, 3, 2).writePng(png);
        return png;
    }

    public static void main(String[] args) throws IOException {
        write(Path.of(args[0]), Path.of(args[1]));
    }
}
