package dev.likeness.worldmodels.quality;

import dev.likeness.engine.folder.StableDiffusionModel;
import dev.likeness.metrics.encoder.ClipEmbedder;
import dev.likeness.metrics.encoder.DinoEmbedder;
import dev.likeness.metrics.metric.Similarity;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.training.TrainingConfig;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.dataset.WorldConfig;
import dev.likeness.world.dataset.WorldDataset;
import dev.likeness.world.dataset.WorldSample;
import dev.likeness.world.image.ContactSheet;
import dev.likeness.world.scene.Captions;
import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.subject.Subject;
import dev.likeness.world.subject.SubjectPhoto;
import dev.likeness.world.subject.SubjectPhotos;
import dev.likeness.world.subject.SubjectPrompts;
import dev.likeness.worldmodels.WorldModels;
import dev.likeness.worldmodels.clip.ZeroShotAccuracy;
import dev.likeness.worldmodels.clip.ZeroShotClassifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * The issue-8 quality bars of a default world (base model {@code world-sd}, evaluator encoders {@code world-clip}
 * and {@code world-dino}), measured the same way by the tests and by {@code WorldModelsTool quality}:
 * <ol>
 *   <li>{@link #renderedCaptions}: the base model renders the captions of a split and the world CLIP's zero-shot
 *   classifier names class and colour of the main object ({@link #realImages}: the same classifier on the world's
 *   own images, its ceiling);</li>
 *   <li>{@link #personalization}: a method (SVDiff) tuned on a subject's photos; CLIP-I, DINO, CLIP-T of
 *   "a sks vase …" renders against the base model's "a vase …" renders;</li>
 *   <li>{@link #priorPreservation}: the same tuning (DreamBooth) with and without prior preservation; PRES of
 *   "a vase …" renders against the base model's.</li>
 * </ol>
 * Evaluation prompts are the world's recontextualisations ({@link SubjectPrompts}, one per background) with
 * {@link #SEEDS_PER_PROMPT} seeds each; every model renders a prompt from the same noise.
 */
public final class WorldQuality implements AutoCloseable {

    /** The subject identifier "[V]" of the checks (one world token). */
    public static final String IDENTIFIER = "sks";
    /** Images per evaluation prompt (noise seeds 0 … 3). */
    public static final int SEEDS_PER_PROMPT = 4;
    /** Embedding batch of the encoders. */
    private static final int ENCODER_BATCH = 64;
    /** Base of the class-image seeds (apart from the evaluation seeds). */
    private static final long CLASS_IMAGE_SEED = 1_000;
    /** Renders of the training prompt in {@link #trainingPromptFit} (one contact-sheet row). */
    static final int FIT_RENDERS = 2 * SEEDS_PER_PROMPT;

    private final Path baseFolder;
    private final Sampling sampling;
    private final WorldConfig world;
    private final ClipEmbedder clip;
    private final DinoEmbedder dino;
    private final ZeroShotClassifier classifier;
    private Consumer<String> log = line -> { };
    private Path sheets;

    private WorldQuality(Path baseFolder, Sampling sampling, ClipEmbedder clip, DinoEmbedder dino,
                         ZeroShotClassifier classifier) {
        this.baseFolder = baseFolder;
        this.sampling = sampling;
        this.world = WorldConfig.defaults().withImageSize(sampling.size());
        this.clip = clip;
        this.dino = dino;
        this.classifier = classifier;
    }

    /** Loads the three folders (a diffusers base model, a CLIPModel folder, a ViTModel folder). */
    public static WorldQuality load(Path baseFolder, Path clipFolder, Path dinoFolder, Sampling sampling)
            throws IOException {
        ClipEmbedder clip = null;
        DinoEmbedder dino = null;
        try {
            clip = ClipEmbedder.load(clipFolder, ENCODER_BATCH, false);
            dino = DinoEmbedder.load(dinoFolder, ENCODER_BATCH, false);
            ZeroShotClassifier classifier = ZeroShotClassifier.load(clipFolder, ZeroShotClassifier.Prompting.JOINT);
            return new WorldQuality(baseFolder, sampling, clip, dino, classifier);
        } catch (IOException | RuntimeException e) {
            if (clip != null) {
                clip.close();
            }
            if (dino != null) {
                dino.close();
            }
            throw e;
        }
    }

    /** Extracts the bundled world-sd, world-clip and world-dino into {@code dir} and loads them. */
    public static WorldQuality bundled(Path dir, Sampling sampling) throws IOException {
        return load(WorldModels.extract(WorldModels.WORLD_SD, dir.resolve(WorldModels.WORLD_SD)),
                WorldModels.extract(WorldModels.WORLD_CLIP, dir.resolve(WorldModels.WORLD_CLIP)),
                WorldModels.extract(WorldModels.WORLD_DINO, dir.resolve(WorldModels.WORLD_DINO)), sampling);
    }

    /** Sends progress lines (training steps) to {@code sink}; silent by default. */
    public WorldQuality logTo(Consumer<String> sink) {
        this.log = sink;
        return this;
    }

    /**
     * Writes every set of renders (and the photos and class images) as a contact sheet PNG into {@code dir}, two
     * prompts of {@link #SEEDS_PER_PROMPT} seeds per row, so that a person can look at what the numbers measure.
     */
    public WorldQuality sheetsTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        this.sheets = dir;
        return this;
    }

    private void sheet(String name, List<RgbImage> images) {
        if (sheets == null || images.isEmpty()) {
            return;
        }
        List<dev.likeness.world.image.RgbImage> tiles = images.stream()
                .map(i -> dev.likeness.world.image.RgbImage.of(i.width(), i.height(), i.toBytes())).toList();
        try {
            Files.write(sheets.resolve(name + ".png"),
                    ContactSheet.of(tiles, 2 * SEEDS_PER_PROMPT, 3, 2).toPng());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write contact sheet " + name, e);
        }
    }

    public Sampling sampling() {
        return sampling;
    }

    // ---- bar 1: the base model follows its captions ----

    /**
     * Renders the captions of samples {@code 0 … count-1} of {@code split} (seed = sample index) and classifies the
     * main object of each render.
     */
    public CaptionScore renderedCaptions(Split split, int count) throws IOException {
        List<WorldSample> samples = samples(split, count);
        List<String> captions = samples.stream().map(WorldSample::caption).toList();
        long[] seeds = new long[count];
        for (int i = 0; i < count; i++) {
            seeds[i] = i;
        }
        List<RgbImage> renders;
        try (StableDiffusionModel base = StableDiffusionModel.load(baseFolder)) {
            renders = new PromptRenderer(base, sampling).render(captions, seeds);
        }
        return new CaptionScore(split, true, ZeroShotAccuracy.measure(classifier,
                new ZeroShotAccuracy.Labelled(renders, labels(samples))));
    }

    /** The classifier on the world's own images of samples {@code 0 … count-1} of {@code split}. */
    public CaptionScore realImages(Split split, int count) {
        List<WorldSample> samples = samples(split, count);
        List<RgbImage> images = samples.stream().map(s -> ZeroShotClassifier.toMetricsImage(s.image())).toList();
        return new CaptionScore(split, false, ZeroShotAccuracy.measure(classifier,
                new ZeroShotAccuracy.Labelled(images, labels(samples))));
    }

    private List<WorldSample> samples(Split split, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1 but is " + count);
        }
        WorldDataset dataset = new WorldDataset(world, split);
        List<WorldSample> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(dataset.sample(i));
        }
        return out;
    }

    private static List<ObjectAttributes> labels(List<WorldSample> samples) {
        return samples.stream().map(s -> s.attributes().primary()).toList();
    }

    // ---- bar 2: personalization ----

    /** Tunes {@code recipe} on the subject's photos (no prior preservation) and scores it against the base model. */
    public SubjectFidelity personalization(Subject subject, TuningRecipe recipe) throws IOException {
        return personalization(subject, recipe, 0);
    }

    /**
     * As {@link #personalization(Subject, TuningRecipe)}, with prior preservation on {@code classImages} base-model
     * renders of the class prompt when {@code classImages > 0} (the way the README's main job tunes).
     */
    public SubjectFidelity personalization(Subject subject, TuningRecipe recipe, int classImages) throws IOException {
        if (classImages < 0) {
            throw new IllegalArgumentException("class images must be >= 0, got " + classImages);
        }
        List<RgbImage> photos = photos(subject);
        List<String> classPrompts = SubjectPrompts.recontextualisations(subject, "", 1);
        List<String> subjectPrompts = SubjectPrompts.recontextualisations(subject, IDENTIFIER, 1);
        List<RgbImage> baseRenders = renderBase(classPrompts);
        sheet("photos", photos);
        sheet("base-class-prompts", baseRenders);
        SubjectScores base = scores(baseRenders, classPrompts, photos);
        List<RgbImage> priors = classImages > 0 ? classImages(subject, classImages) : List.of();
        TrainingConfig cfg = recipe.config(baseFolder, IDENTIFIER, subject.classNoun(),
                priors.isEmpty() ? null : subject.classPrompt(), priors.size(), sampling.size(),
                photoCaptions(subject));
        long start = System.nanoTime();
        List<RgbImage> tunedRenders = SubjectTuning.tune(baseFolder, cfg, photos, priors, log,
                (tuned, result) -> render(tuned, subjectPrompts));
        double seconds = (System.nanoTime() - start) / 1e9;
        sheet(recipe.method() + "-subject-prompts", tunedRenders);
        return new SubjectFidelity(recipe, seconds, base, scores(tunedRenders, classPrompts, photos));
    }

    // ---- a diagnostic for bar 2: did the tuning learn the subject at all? ----

    /**
     * Tunes {@code recipe} on the subject's photos without prior preservation and renders its own training prompt
     * ("a photo of sks vase", {@link #FIT_RENDERS} seeds), against the base model's renders of the class prompt
     * ("a photo of a vase", same seeds), both scored against the photos. Bar 2 asks the tuned model to carry the
     * subject into new scenes; this asks whether it learnt the subject in the first place. With sheets on, writes
     * {@code <method>-training-prompt.png}: the photos, the base renders, the tuned renders. A recipe that trains each
     * photo on its own caption trains on the instance prompt here, so that the rendered prompt is the trained one.
     */
    public SubjectFidelity trainingPromptFit(Subject subject, TuningRecipe tuning) throws IOException {
        TuningRecipe recipe = tuning.withPhotoCaptions(false);
        List<RgbImage> photos = photos(subject);
        TrainingConfig cfg = recipe.config(baseFolder, IDENTIFIER, subject.classNoun(), null, 0, sampling.size(),
                List.of());
        String trainingPrompt = TuningRecipe.instancePrompt(IDENTIFIER, subject.classNoun());
        List<RgbImage> baseRenders;
        try (StableDiffusionModel base = StableDiffusionModel.load(baseFolder)) {
            baseRenders = new PromptRenderer(base, sampling).render(subject.classPrompt(), FIT_RENDERS, 0);
        }
        long start = System.nanoTime();
        List<RgbImage> tunedRenders = SubjectTuning.tune(baseFolder, cfg, photos, List.of(), log,
                (tuned, result) -> new PromptRenderer(tuned, sampling).render(trainingPrompt, FIT_RENDERS, 0));
        double seconds = (System.nanoTime() - start) / 1e9;
        List<RgbImage> sheet = new ArrayList<>(photos);
        // the photos fill the first row(s), padded with the first photo
        sheet.addAll(Collections.nCopies((FIT_RENDERS - photos.size() % FIT_RENDERS) % FIT_RENDERS, photos.get(0)));
        sheet.addAll(baseRenders);
        sheet.addAll(tunedRenders);
        sheet(recipe.method() + "-training-prompt", sheet);
        // scores() reads one text prompt per SEEDS_PER_PROMPT renders
        int prompts = FIT_RENDERS / SEEDS_PER_PROMPT;
        return new SubjectFidelity(recipe, seconds,
                scores(baseRenders, Collections.nCopies(prompts, subject.classPrompt()), photos),
                scores(tunedRenders, Collections.nCopies(prompts, trainingPrompt), photos));
    }

    // ---- bar 3: prior preservation ----

    /**
     * Tunes {@code recipe} twice, with prior preservation on {@code classImages} base-model renders of the subject's
     * class prompt ("a photo of a vase") and without, and compares PRES of the "a vase …" renders with the base
     * model's.
     */
    public PriorPreservation priorPreservation(Subject subject, TuningRecipe recipe, int classImages)
            throws IOException {
        if (classImages < 1) {
            throw new IllegalArgumentException("prior preservation needs >= 1 class image, got " + classImages);
        }
        List<RgbImage> photos = photos(subject);
        List<String> classPrompts = SubjectPrompts.recontextualisations(subject, "", 1);
        List<String> subjectPrompts = SubjectPrompts.recontextualisations(subject, IDENTIFIER, 1);
        List<RgbImage> baseClassRenders = renderBase(classPrompts);
        List<RgbImage> priors = classImages(subject, classImages);
        sheet("photos", photos);
        sheet("base-class-prompts", baseClassRenders);
        sheet("class-images", priors);
        PriorPreservation.Run baseRun = new PriorPreservation.Run(pres(baseClassRenders, photos),
                div(baseClassRenders), Double.NaN, 0);
        PriorPreservation.Run with = tunedRun("with-prior", subject, recipe, photos, priors, classPrompts,
                subjectPrompts);
        PriorPreservation.Run without = tunedRun("without-prior", subject, recipe, photos, List.of(), classPrompts,
                subjectPrompts);
        return new PriorPreservation(recipe, classImages, baseRun, with, without);
    }

    private PriorPreservation.Run tunedRun(String label, Subject subject, TuningRecipe recipe, List<RgbImage> photos,
                                           List<RgbImage> priors, List<String> classPrompts,
                                           List<String> subjectPrompts) throws IOException {
        TrainingConfig cfg = recipe.config(baseFolder, IDENTIFIER, subject.classNoun(),
                priors.isEmpty() ? null : subject.classPrompt(), priors.size(), sampling.size(),
                photoCaptions(subject));
        long start = System.nanoTime();
        List<List<RgbImage>> renders = SubjectTuning.tune(baseFolder, cfg, photos, priors, log,
                (tuned, result) -> List.of(render(tuned, classPrompts), render(tuned, subjectPrompts)));
        double seconds = (System.nanoTime() - start) / 1e9;
        List<RgbImage> classRenders = renders.get(0);
        sheet(recipe.method() + "-" + label + "-class-prompts", classRenders);
        sheet(recipe.method() + "-" + label + "-subject-prompts", renders.get(1));
        return new PriorPreservation.Run(pres(classRenders, photos), div(classRenders),
                Similarity.meanOverPairs(dino.embed(renders.get(1)), dino.embed(photos)), seconds);
    }

    // ---- shared ----

    /** The subject's photos at the sampling size (the bundled set's generator). */
    public List<RgbImage> photos(Subject subject) {
        List<RgbImage> out = new ArrayList<>();
        for (SubjectPhoto p : SubjectPhotos.generate(subject, sampling.size())) {
            out.add(ZeroShotClassifier.toMetricsImage(p.image()));
        }
        return out;
    }

    /** Each photo's world caption with the identifier left as {@code {id}}, in the photos' order. */
    List<String> photoCaptions(Subject subject) {
        return SubjectPhotos.captions(subject, "{id}");
    }

    // prior-preservation images: the base model's renders of the subject's class prompt, fixed seeds
    private List<RgbImage> classImages(Subject subject, int count) throws IOException {
        try (StableDiffusionModel base = StableDiffusionModel.load(baseFolder)) {
            return new PromptRenderer(base, sampling).render(subject.classPrompt(), count, CLASS_IMAGE_SEED);
        }
    }

    private List<RgbImage> renderBase(List<String> prompts) throws IOException {
        try (StableDiffusionModel base = StableDiffusionModel.load(baseFolder)) {
            return render(base, prompts);
        }
    }

    /** {@link #SEEDS_PER_PROMPT} renders per prompt, prompt-major, seeds 0 … 3. */
    private List<RgbImage> render(StableDiffusionModel model, List<String> prompts) {
        List<String> all = new ArrayList<>();
        long[] seeds = new long[prompts.size() * SEEDS_PER_PROMPT];
        for (int p = 0; p < prompts.size(); p++) {
            for (int k = 0; k < SEEDS_PER_PROMPT; k++) {
                all.add(prompts.get(p));
                seeds[p * SEEDS_PER_PROMPT + k] = k;
            }
        }
        return new PromptRenderer(model, sampling).render(all, seeds);
    }

    /**
     * Scores prompt-major renders ({@link #SEEDS_PER_PROMPT} per prompt); CLIP-T against {@code textPrompts}, and
     * against them without their position clause.
     */
    private SubjectScores scores(List<RgbImage> renders, List<String> textPrompts, List<RgbImage> photos) {
        float[][] clipGen = clip.embed(renders);
        float[][] clipReal = clip.embed(photos);
        float[][] dinoGen = dino.embed(renders);
        return new SubjectScores(Similarity.meanOverPairs(clipGen, clipReal),
                Similarity.meanOverPairs(dinoGen, dino.embed(photos)), clipT(clipGen, textPrompts),
                clipT(clipGen, textPrompts.stream().map(Captions::withoutPosition).toList()), div(dinoGen),
                renders.size());
    }

    /** Mean CLIP cosine of each render to its prompt ({@link #SEEDS_PER_PROMPT} renders per prompt). */
    private double clipT(float[][] clipGen, List<String> textPrompts) {
        float[][] text = clip.embedTexts(textPrompts);
        double sum = 0;
        for (int g = 0; g < clipGen.length; g++) {
            sum += Similarity.cosine(clipGen[g], text[g / SEEDS_PER_PROMPT]);
        }
        return sum / clipGen.length;
    }

    private double pres(List<RgbImage> classRenders, List<RgbImage> photos) {
        return Similarity.meanOverPairs(dino.embed(classRenders), dino.embed(photos));
    }

    private double div(List<RgbImage> renders) {
        return div(dino.embed(renders));
    }

    /** Mean 1 − DINO cosine over pairs of renders of the same prompt (the report's DIV without LPIPS). */
    private static double div(float[][] dinoRows) {
        double sum = 0;
        int n = 0;
        for (int start = 0; start < dinoRows.length; start += SEEDS_PER_PROMPT) {
            for (int i = start; i < start + SEEDS_PER_PROMPT; i++) {
                for (int j = i + 1; j < start + SEEDS_PER_PROMPT; j++) {
                    sum += 1 - Similarity.cosine(dinoRows[i], dinoRows[j]);
                    n++;
                }
            }
        }
        return sum / n;
    }

    @Override
    public void close() {
        try {
            classifier.close();
        } finally {
            try {
                clip.close();
            } finally {
                dino.close();
            }
        }
    }
}
