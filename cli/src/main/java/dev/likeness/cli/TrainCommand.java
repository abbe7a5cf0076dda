package dev.likeness.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.engine.pipeline.GenerationRequest;
import dev.likeness.engine.pipeline.GenerationResult;
import dev.likeness.engine.pipeline.Images;
import dev.likeness.engine.pipeline.TextToImagePipeline;
import dev.likeness.training.LearningRateScheduleKind;
import dev.likeness.training.Methods;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.TrainingModels;
import dev.likeness.training.data.TrainingImages;
import dev.likeness.training.loop.NanLossException;
import dev.likeness.training.method.dreambooth.IdentifierSelector;
import dev.likeness.training.method.svdiff.CutMixTraining;
import dev.likeness.training.method.svdiff.CutMixUnmix;
import dev.likeness.training.method.svdiff.SvdiffMethod;
import dev.likeness.training.method.svdiff.UnmixRegularizer;
import dev.likeness.training.loop.Trainer;
import dev.likeness.training.loop.TrainingResult;
import dev.likeness.training.loop.ValidationHook;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code likeness train}: fine-tunes a local diffusers model with one method and writes its artifact.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Fine-tune a Stable Diffusion folder with DreamBooth, Textual Inversion, SVDiff or LoRA.")
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--method", required = true, description = "dreambooth | textual-inversion | svdiff | lora")
    String method;
    @Option(names = "--model", required = true, description = "base model folder (diffusers layout)")
    Path model;
    @Option(names = "--images", required = true, description = "folder of instance images (PNG/JPEG)")
    Path images;
    @Option(names = "--instance-prompt", required = true,
            description = "e.g. \"a photo of {id} dog\"; {id} becomes the identifier/placeholder")
    String instancePrompt;
    @Option(names = "--captions", description = "text file with one prompt per instance image, in the images' "
            + "file-name order (e.g. \"a photo of {id} dog on a beach\"); replaces --instance-prompt for training")
    Path captions;
    @Option(names = "--class-noun", description = "class noun, e.g. dog (class prompt \"a photo of <noun>\")")
    String classNoun;
    @Option(names = "--class-prompt", description = "explicit class prompt (overrides the one built from --class-noun)")
    String classPrompt;
    @Option(names = "--class-images", description = "folder of class images for prior preservation")
    Path classImages;
    @Option(names = "--num-class-images", defaultValue = "0",
            description = "class images to generate with the base model (into <output>/class_images) if fewer exist")
    int numClassImages;
    @Option(names = "--prior-weight", defaultValue = "1.0", description = "prior-preservation loss weight λ")
    float priorWeight;
    @Option(names = "--steps", required = true) int steps;
    @Option(names = "--lr", description = "learning rate (default: the method's)") Float lr;
    @Option(names = "--lr-schedule", defaultValue = "constant") String lrSchedule;
    @Option(names = "--lr-warmup", defaultValue = "0") int lrWarmup;
    @Option(names = "--resolution", defaultValue = "512") int resolution;
    @Option(names = "--batch-size", defaultValue = "1") int batchSize;
    @Option(names = "--grad-accum", defaultValue = "1") int gradAccum;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--max-grad-norm", defaultValue = "1.0") float maxGradNorm;
    @Option(names = "--snr-gamma", description = "min-SNR-γ loss weighting (e.g. 5)") Float snrGamma;
    @Option(names = "--offset-noise", defaultValue = "0") float offsetNoise;
    @Option(names = "--train-text-encoder", description = "DreamBooth/SVDiff/LoRA: also tune the text encoder")
    boolean trainTextEncoder;
    @Option(names = "--text-encoder-lr", description = "with --train-text-encoder: the text encoder's learning rate "
            + "(DreamBooth weights, SVDiff spectral shifts, LoRA adapters; default: --lr)")
    Float textEncoderLr;
    @Option(names = "--fp16", description = "write full-model artifacts in float16") boolean fp16;
    @Option(names = "--optimizer-state", description = "AdamW moment storage: fp32 (8 bytes per trained value, "
            + "default), fp16 (4) or int8 (8-bit blockwise, ~2)")
    String optimizerState;
    @Option(names = "--fp16-optimizer-state", description = "same as --optimizer-state fp16")
    boolean fp16OptimizerState;
    @Option(names = "--rank", defaultValue = "4", description = "LoRA rank") int rank;
    @Option(names = "--num-vectors", defaultValue = "1", description = "Textual Inversion vectors") int numVectors;
    @Option(names = "--initializer-token", description = "Textual Inversion initializer (default: class noun)")
    String initializerToken;
    @Option(names = "--cut-mix-images",
            description = "SVDiff: folder of a second subject's images; trains both with Cut-Mix-Unmix")
    Path cutMixImages;
    @Option(names = "--cut-mix-class-noun", description = "class noun of the second subject (e.g. sculpture)")
    String cutMixClassNoun;
    @Option(names = "--cut-mix-class-images", description = "class images of the second subject's noun (prior"
            + " preservation; default: generated into <output>/class_images_2 with --num-class-images)")
    Path cutMixClassImages;
    @Option(names = "--cut-mix-probability", defaultValue = "0.6", description = "share of cut-and-mixed samples")
    float cutMixProbability;
    @Option(names = "--unmix-weight", defaultValue = "1e-3",
            description = "Cut-Mix-Unmix: weight of the unmix term on cross-attention maps (0 = off)")
    float unmixWeight;
    @Option(names = "--checkpoint-every", defaultValue = "0") int checkpointEvery;
    @Option(names = "--checkpoint-dir", description = "default: <output>/checkpoints") Path checkpointDir;
    @Option(names = "--resume", description = "continue from the latest checkpoint") boolean resume;
    @Option(names = "--validation-prompt") String validationPrompt;
    @Option(names = "--validation-every", defaultValue = "0") int validationEvery;
    @Option(names = "--output", required = true, description = "artifact folder") Path output;

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        Methods.byId(method); // fail fast on an unknown method, listing the valid ones
        String classPromptResolved = classPrompt != null ? classPrompt
                : classNoun != null && (classImages != null || numClassImages > 0) ? "a photo of " + classNoun : null;
        if (textEncoderLr != null && !trainTextEncoder) {
            throw new IllegalArgumentException("--text-encoder-lr needs --train-text-encoder: without it the text"
                    + " encoder is frozen and the rate would be ignored");
        }
        Path ckpt = checkpointDir != null ? checkpointDir : output.resolve("checkpoints");
        TrainingConfig.Builder b = TrainingConfig.builder(method).modelDir(model).instanceImages(images)
                .instancePrompt(instancePrompt).classNoun(classNoun).classPrompt(classPromptResolved)
                .classImages(classImages).numClassImages(numClassImages).priorLossWeight(priorWeight)
                .resolution(resolution).maxSteps(steps).batchSize(batchSize).gradientAccumulation(gradAccum).seed(seed)
                .lrSchedule(LearningRateScheduleKind.fromId(lrSchedule)).lrWarmupSteps(lrWarmup)
                .maxGradNorm(maxGradNorm).snrGamma(snrGamma).offsetNoise(offsetNoise)
                .trainTextEncoder(trainTextEncoder).textEncoderLearningRate(textEncoderLr).saveFp16(fp16)
                .loraRank(rank).numVectors(numVectors)
                .initializerToken(initializerToken != null ? initializerToken : classNoun)
                .checkpointEvery(checkpointEvery).checkpointDir(checkpointEvery > 0 || resume ? ckpt : null)
                .validationPrompt(validationPrompt).validationEvery(validationEvery).unmixWeight(unmixWeight)
                .optimizerStatePrecision(optimizerStatePrecision(optimizerState, fp16OptimizerState));
        if (lr != null) {
            b.learningRate(lr);
        }
        if (captions != null) {
            b.instanceCaptions(CaptionFiles.read(captions, TrainingImages.list(images).size()));
        }
        if (cutMixImages != null) {
            if (!method.equals(SvdiffMethod.ID) || classNoun == null || cutMixClassNoun == null) {
                throw new IllegalArgumentException("--cut-mix-images trains two subjects with SVDiff: it needs"
                        + " --method svdiff, --class-noun (first subject) and --cut-mix-class-noun (second)");
            }
            b.methodOption(CutMixTraining.OPTION_PROBABILITY, Float.toString(cutMixProbability));
        }
        TrainingConfig cfg = b.build();
        if (cutMixImages != null && cfg.withPriorPreservation() && cutMixClassImages == null && numClassImages == 0) {
            throw new IllegalArgumentException("prior preservation with --cut-mix-images needs the second subject's"
                    + " class images: --cut-mix-class-images, or --num-class-images to generate them");
        }
        try (StableDiffusionModel sd = StableDiffusionModel.load(model)) {
            NDManager manager = sd.manager();
            TextToImagePipeline pipeline = new TextToImagePipeline(sd);
            NDArray classPixels = null;
            if (cfg.withPriorPreservation()) {
                Path classDir = classImages != null ? classImages : output.resolve("class_images");
                ensureClassImages(pipeline, classDir, cfg, manager);
                classPixels = TrainingImages.load(TrainingImages.list(classDir), resolution, true, manager);
            }
            NDArray instancePixels = TrainingImages.load(TrainingImages.list(images), resolution, true, manager);
            TrainingModel trainingModel = TrainingModels.from(sd);
            try (Trainer trainer = new Trainer(trainingModel, Methods.byId(method), cfg, manager)) {
                if (cutMixImages != null) {
                    NDArray second = TrainingImages.load(TrainingImages.list(cutMixImages), resolution, true, manager);
                    NDArray secondClass = null;
                    if (classPixels != null) {
                        Path dir = cutMixClassImages != null ? cutMixClassImages : output.resolve("class_images_2");
                        ensureClassImages(pipeline, dir, cfg.toBuilder().classPrompt("a photo of " + cutMixClassNoun)
                                .build(), manager);
                        secondClass = TrainingImages.load(TrainingImages.list(dir), resolution, true, manager);
                    }
                    cutMix(trainer, cfg, instancePixels, second, classPixels, secondClass);
                    return 0;
                }
                trainer.useImages(instancePixels, classPixels);
                if (resume) {
                    trainer.resumeFromLatest().ifPresentOrElse(
                            c -> out.println("resumed from " + c.dir() + " at step " + c.step()),
                            () -> out.println("no checkpoint under " + ckpt + "; starting at step 0"));
                }
                out.println("training " + method + " on '" + trainer.instancePrompts().get(0) + "' for " + steps
                        + " steps");
                TrainingResult r = trainer.train(p -> out.printf("step %d/%d  loss %.5f  lr %.3g  %.2f steps/s  ETA %s%n",
                        p.step(), p.maxSteps(), p.loss(), p.learningRate(), p.stepsPerSecond(),
                        eta(p.etaSeconds())), validation(pipeline, output, seed, resolution));
                trainer.writeArtifact(output);
                out.printf("done: %d steps, %.0f ms/step; artifact in %s%n", r.steps(), r.secondsPerStep() * 1e3,
                        output);
            }
        } catch (NanLossException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        return 0;
    }

    // two subjects: the first keeps the method's identifier, the second gets the next rare-token identifier
    private void cutMix(Trainer trainer, TrainingConfig cfg, NDArray first, NDArray second, NDArray firstClass,
                        NDArray secondClass) throws Exception {
        String idA = ((SvdiffMethod) trainer.method()).identifier();
        String idB = idA;
        for (long k = 1; idB.equals(idA); k++) {
            idB = IdentifierSelector.select(trainer.model().tokenizer(), seed + k, 1);
        }
        CutMixUnmix.Subject a = new CutMixUnmix.Subject(idA, classNoun);
        CutMixUnmix.Subject b = new CutMixUnmix.Subject(idB, cutMixClassNoun);
        try (CutMixTraining training = new CutMixTraining(trainer, cfg, a, first, b, second)) {
            if (firstClass != null) {
                training.withPriors(firstClass, secondClass);
            }
            if (resume) {
                trainer.resumeFromLatest().ifPresent(c -> out.println("resumed from " + c.dir() + " at step "
                        + c.step()));
            }
            out.println("training svdiff with Cut-Mix-Unmix on '" + CutMixUnmix.mixedPrompt(idA + " " + classNoun,
                    idB + " " + cutMixClassNoun) + "' for " + steps + " steps");
            long start = System.nanoTime();
            int ran = training.train(o -> out.printf("step %d/%d  loss %.5f  unmix %.3g  lr %.3g%n", trainer.step(),
                    steps, o.loss(), o.regularizers().getOrDefault(UnmixRegularizer.TERM, 0f), o.learningRate()))
                    .size();
            trainer.writeArtifact(output);
            out.printf("done: %d steps, %.0f ms/step; identifiers %s (%s), %s (%s); artifact in %s%n", ran,
                    (System.nanoTime() - start) / 1e6 / Math.max(1, ran), idA, classNoun, idB, cutMixClassNoun,
                    output);
        }
    }

    private void ensureClassImages(TextToImagePipeline pipeline, Path dir, TrainingConfig cfg, NDManager manager)
            throws Exception {
        Files.createDirectories(dir);
        long have;
        try (var s = Files.list(dir)) {
            have = s.filter(p -> p.toString().endsWith(".png") || p.toString().endsWith(".jpg")).count();
        }
        for (long i = have; i < cfg.numClassImages(); i++) {
            GenerationRequest req = GenerationRequest.builder(cfg.classPrompt()).size(resolution, resolution)
                    .steps(30).guidanceScale(7.5f).seed(seed * 1_000_003L + i).build();
            try (NDManager scratch = manager.newSubManager(); GenerationResult g = pipeline.generate(req, scratch)) {
                Images.writePngs(g.images(), dir.resolve(String.format("class-%05d.png", i)));
            }
            out.printf("class image %d/%d%n", i + 1, cfg.numClassImages());
        }
    }

    private static ValidationHook validation(TextToImagePipeline pipeline, Path output, long seed, int resolution) {
        return (step, model, prompt) -> {
            GenerationRequest req = GenerationRequest.builder(prompt).size(resolution, resolution).steps(25)
                    .guidanceScale(7.5f).seed(seed).build();
            try (NDManager scratch = NDManager.newBaseManager(); GenerationResult g = pipeline.generate(req, scratch)) {
                Path file = output.resolve("validation").resolve("step-" + step + ".png");
                Files.createDirectories(file.getParent());
                List<Path> written = Images.writePngs(g.images(), file);
                written.forEach(p -> System.out.println("validation image " + p));
            }
        };
    }

    private static String eta(double seconds) {
        long s = Math.round(seconds);
        return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    /** {@code --optimizer-state fp32|fp16|int8}, with {@code --fp16-optimizer-state} as the older spelling of fp16. */
    static TrainingConfig.StatePrecision optimizerStatePrecision(String option, boolean fp16Flag) {
        if (option == null) {
            return fp16Flag ? TrainingConfig.StatePrecision.FLOAT16 : TrainingConfig.StatePrecision.FLOAT32;
        }
        TrainingConfig.StatePrecision p = switch (option) {
            case "fp32" -> TrainingConfig.StatePrecision.FLOAT32;
            case "fp16" -> TrainingConfig.StatePrecision.FLOAT16;
            case "int8" -> TrainingConfig.StatePrecision.INT8_BLOCKWISE;
            default -> throw new IllegalArgumentException("--optimizer-state must be fp32, fp16 or int8, not '"
                    + option + "'");
        };
        if (fp16Flag && p != TrainingConfig.StatePrecision.FLOAT16) {
            throw new IllegalArgumentException("--fp16-optimizer-state contradicts --optimizer-state " + option);
        }
        return p;
    }
}
