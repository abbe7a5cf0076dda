package dev.likeness.training.method.svdiff;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.data.LatentDistribution;
import dev.likeness.training.data.PromptEmbeddings;
import dev.likeness.training.loop.StepRandom;
import dev.likeness.training.loop.Trainer;
import dev.likeness.training.loop.TrainingBatch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * Multi-subject SVDiff training with Cut-Mix-Unmix (Han et al. 2023): each row of a batch is, with probability
 * {@code svdiff.cut_mix_probability} (method option, default {@link CutMixUnmix#DEFAULT_PROBABILITY}), two subjects
 * side by side with {@code "photo of a [V1] dog on the left and a [V2] sculpture on the right"} (orientation at
 * random), else one of the two alone with {@code "a photo of a [V] dog"}; the {@link UnmixRegularizer} adds
 * {@code λ_unmix · L_unmix} ({@link TrainingConfig#unmixWeight()}) on the mixed rows. Drives a {@link Trainer} built
 * with an {@link SvdiffMethod}, one {@link Trainer#step(TrainingBatch, List)} per step; prior preservation with
 * {@link #withPriors}.
 *
 * <p>Each distinct image (subject alone, or a mixed pair in one orientation) is VAE-encoded once and cached. Every
 * draw (subject order, images, mix, latent sample, noise, timesteps) comes from {@link StepRandom} keyed by the seed
 * and the trainer's step, so runs are deterministic and a resumed trainer continues the same sequence.
 */
public final class CutMixTraining implements AutoCloseable {

    /** Method option: probability that a row is cut-mixed. */
    public static final String OPTION_PROBABILITY = "svdiff.cut_mix_probability";
    private static final long PURPOSE = 40; // StepRandom stream of the cut-mix draws

    private final Trainer trainer;
    private final TrainingConfig cfg;
    private final TrainingModel model;
    private final CutMixUnmix.Subject[] subjects;
    private final NDArray[] images;
    private NDArray[] classImages;
    private final float probability;
    private final NDManager own;
    private final Map<String, LatentDistribution> latents = new HashMap<>();
    private final Map<String, NDArray> embeddings = new HashMap<>();

    /**
     * @param trainer a trainer with an attached {@link SvdiffMethod}; its regulariser is set until {@link #close}
     * @param a       first subject (identifier and class noun)
     * @param pixelsA its images {@code [n, 3, height, width]} in [-1, 1]
     * @param b       second subject, with a different identifier
     * @param pixelsB its images, same height and width
     */
    public CutMixTraining(Trainer trainer, TrainingConfig cfg, CutMixUnmix.Subject a, NDArray pixelsA,
                          CutMixUnmix.Subject b, NDArray pixelsB) {
        if (!cfg.instanceCaptions().isEmpty()) {
            // each subject's rows are prompted by its own phrase; per-image captions would be silently unused
            throw new IllegalArgumentException("Cut-Mix-Unmix prompts each subject by its phrase; instanceCaptions "
                    + "are not supported here");
        }
        if (!(trainer.method() instanceof SvdiffMethod)) {
            throw new IllegalArgumentException("Cut-Mix-Unmix trains SVDiff spectral shifts, the trainer runs '"
                    + trainer.method().id() + "'");
        }
        for (CutMixUnmix.Subject s : List.of(a, b)) {
            if (s.identifier() == null || s.identifier().isBlank()) {
                throw new IllegalArgumentException("Cut-Mix-Unmix needs an identifier for subject '" + s.noun() + "'");
            }
        }
        if (a.identifier().trim().equals(b.identifier().trim())) {
            throw new IllegalArgumentException("the two subjects share the identifier '" + a.identifier() + "'");
        }
        Shape sa = pixelsA.getShape();
        Shape sb = pixelsB.getShape();
        if (sa.dimension() != 4 || sb.dimension() != 4 || sa.get(0) < 1 || sb.get(0) < 1
                || !sa.slice(1).equals(sb.slice(1))) {
            throw new IllegalArgumentException("Cut-Mix-Unmix needs [n, 3, height, width] images of one size for both"
                    + " subjects, got " + sa + " and " + sb);
        }
        this.trainer = trainer;
        this.cfg = cfg;
        this.model = trainer.model();
        this.subjects = new CutMixUnmix.Subject[] {a, b};
        this.images = new NDArray[] {pixelsA, pixelsB};
        this.probability = Float.parseFloat(cfg.methodOption(OPTION_PROBABILITY,
                Float.toString(CutMixUnmix.DEFAULT_PROBABILITY)));
        new CutMixUnmix(probability, 0); // validates the probability
        this.own = pixelsA.getManager().newSubManager();
        Map<String, String[]> mixed = new LinkedHashMap<>();
        mixed.put(CutMixUnmix.mixedPrompt(a.instancePhrase(), b.instancePhrase()),
                new String[] {a.identifier(), b.identifier()});
        mixed.put(CutMixUnmix.mixedPrompt(b.instancePhrase(), a.instancePhrase()),
                new String[] {b.identifier(), a.identifier()});
        trainer.regularize(new UnmixRegularizer(model.unet(), model.tokenizer(), cfg.unmixWeight(), mixed));
        SvdiffMethod method = (SvdiffMethod) trainer.method();
        method.putMetadata("svdiff.cut_mix_subjects", a.instancePhrase() + "|" + b.instancePhrase());
        method.putMetadata(OPTION_PROBABILITY, Float.toString(probability));
        method.putMetadata("svdiff.unmix_weight", Float.toString(cfg.unmixWeight()));
    }

    /**
     * Adds DreamBooth's prior preservation: each step also draws {@link TrainingConfig#batchSize()} class rows, cut
     * and mixed the same way with the class nouns ({@code "photo of a dog on the left and a sculpture on the
     * right"}), weighted by {@link TrainingConfig#priorLossWeight()}. The unmix term ignores them (no identifiers).
     *
     * @param classA class images of the first subject's noun {@code [m, 3, height, width]}, same size as the instances
     * @param classB class images of the second subject's noun
     */
    public CutMixTraining withPriors(NDArray classA, NDArray classB) {
        for (NDArray c : List.of(classA, classB)) {
            Shape s = c.getShape();
            if (s.dimension() != 4 || s.get(0) < 1 || !s.slice(1).equals(images[0].getShape().slice(1))) {
                throw new IllegalArgumentException("class images must be [m, 3, height, width] of the instance size "
                        + images[0].getShape().slice(1) + ", got " + s);
            }
        }
        this.classImages = new NDArray[] {classA, classB};
        return this;
    }

    /** The trainer this drives. */
    public Trainer trainer() {
        return trainer;
    }

    /**
     * Runs until {@link TrainingConfig#maxSteps()}, checkpointing every {@link TrainingConfig#checkpointEvery()}
     * steps into {@link TrainingConfig#checkpointDir()}.
     */
    public List<Trainer.StepOutcome> train(Consumer<Trainer.StepOutcome> progress) throws IOException {
        List<Trainer.StepOutcome> out = new ArrayList<>();
        while (trainer.step() < cfg.maxSteps()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("training interrupted at step " + trainer.step());
            }
            Trainer.StepOutcome o = step();
            out.add(o);
            progress.accept(o);
            if (cfg.checkpointEvery() > 0 && trainer.step() % cfg.checkpointEvery() == 0) {
                trainer.checkpoint(cfg.checkpointDir());
            }
        }
        return out;
    }

    /** One optimizer step on a freshly drawn batch of {@link TrainingConfig#batchSize()} rows. */
    public Trainer.StepOutcome step() {
        int rows = cfg.batchSize();
        SplittableRandom r = StepRandom.of(cfg.seed(), PURPOSE, trainer.step(), 0);
        try (NDManager m = own.newSubManager()) {
            List<String> prompts = new ArrayList<>();
            List<NDArray> means = new ArrayList<>();
            List<NDArray> stds = new ArrayList<>();
            for (int j = 0; j < rows; j++) {
                draw(r, images, "", false, prompts, means, stds);
            }
            if (classImages != null) {
                SplittableRandom pr = StepRandom.of(cfg.seed(), PURPOSE + 1, trainer.step(), 0);
                for (int j = 0; j < rows; j++) {
                    draw(pr, classImages, "class ", true, prompts, means, stds);
                }
            }
            int total = prompts.size();
            Shape latentShape = means.get(0).getShape().slice(1);
            int perRow = (int) latentShape.size();
            Shape full = new Shape(total).addAll(latentShape);
            NDArray eps = m.create(StepRandom.gaussian(r, total * perRow), full);
            NDArray noise = m.create(StepRandom.gaussian(r, total * perRow), full);
            long[] t = new long[total];
            for (int i = 0; i < total; i++) {
                t[i] = r.nextInt(model.noiseSchedule().numTrainTimesteps());
            }
            NDArray mean = NDArrays.concat(new NDList(means), 0);
            NDArray std = NDArrays.concat(new NDList(stds), 0);
            mean.attach(m);
            std.attach(m);
            NDArray latentsRow = mean.add(std.mul(eps)).muli(model.latentScalingFactor());
            latentsRow.attach(m);
            NDArray timesteps = m.create(t);
            TrainingBatch batch;
            if (trainer.method().trainsTextEncoder()) {
                batch = new TrainingBatch(latentsRow, noise, timesteps, null,
                        PromptEmbeddings.inputIds(model, prompts, m), rows);
            } else {
                List<NDArray> ehs = new ArrayList<>(total);
                for (String p : prompts) {
                    ehs.add(embeddings.computeIfAbsent(p, this::embed));
                }
                NDArray context = NDArrays.concat(new NDList(ehs), 0);
                context.attach(m);
                batch = new TrainingBatch(latentsRow, noise, timesteps, context, null, rows);
            }
            return trainer.step(batch, prompts);
        }
    }

    // one row: subject order, images and mix drawn from r; the (cached) latent distribution and prompt appended
    private void draw(SplittableRandom r, NDArray[] pool, String cacheTag, boolean prior, List<String> prompts,
                      List<NDArray> means, List<NDArray> stds) {
        int first = r.nextBoolean() ? 0 : 1;
        int second = 1 - first;
        int i0 = r.nextInt((int) pool[first].getShape().get(0));
        int i1 = r.nextInt((int) pool[second].getShape().get(0));
        CutMixUnmix aug = new CutMixUnmix(probability, r.nextLong());
        try (NDArray x0 = pool[first].get(i0); NDArray x1 = pool[second].get(i1)) {
            CutMixUnmix.Sample s = prior ? aug.prior(x0, subjects[first], x1, subjects[second])
                    : aug.instance(x0, subjects[first], x1, subjects[second]);
            try (NDArray px = s.pixels()) {
                String key = cacheTag + (!s.mixed() ? first + ":" + i0
                        : s.left() == 0 ? first + ":" + i0 + "|" + second + ":" + i1
                        : second + ":" + i1 + "|" + first + ":" + i0);
                LatentDistribution d = latents.computeIfAbsent(key, k -> encode(px));
                means.add(d.mean());
                stds.add(d.std());
            }
            prompts.add(s.prompt());
        }
    }

    // [3, h, w] → the VAE's latent distribution [1, 4, h/8, w/8], cached in own
    private LatentDistribution encode(NDArray pixels) {
        try (NDManager scratch = own.newSubManager()) {
            NDArray one = pixels.expandDims(0);
            one.attach(scratch);
            return LatentDistribution.encode(model, one, own);
        }
    }

    private NDArray embed(String prompt) {
        try (PromptEmbeddings e = PromptEmbeddings.encode(model, List.of(prompt), own)) {
            return e.get(prompt).duplicate();
        }
    }

    /** Removes the regulariser from the trainer and frees the cached latents and embeddings. */
    @Override
    public void close() {
        trainer.regularize(null);
        latents.values().forEach(LatentDistribution::close);
        latents.clear();
        embeddings.values().forEach(NDArray::close);
        embeddings.clear();
        own.close();
    }
}
