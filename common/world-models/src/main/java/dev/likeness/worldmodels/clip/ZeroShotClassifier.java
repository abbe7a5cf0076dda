package dev.likeness.worldmodels.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.likeness.engine.tokenizer.ClipTokenizer;
import dev.likeness.metrics.encoder.ClipEmbedder;
import dev.likeness.metrics.encoder.ClipModel;
import dev.likeness.metrics.preprocess.ImageProcessor;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.world.scene.Colour;
import dev.likeness.world.scene.ObjectClass;
import dev.likeness.world.scene.Pattern;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Names the class, colour and pattern of the main object in world images by CLIP similarity to text prompts, with no
 * training of its own: the judge of the base model's quality bar ("does a render of 'a red ball …' show a red
 * ball?").
 *
 * <p>Scores are turned into probabilities with the model's own logit scale (softmax within each group of prompts)
 * and summed per class, colour and pattern; e.g. {@link Prompting#JOINT} scores all 8 × 11 × 4 base looks
 * "a {colour} [{pattern}] {class}" and adds each look's probability to its class, colour and pattern. The bundle's
 * TRAINING.md gives the measured accuracy of each {@link Prompting}.
 */
public final class ZeroShotClassifier implements AutoCloseable {

    /** How prompts are formed. */
    public enum Prompting {
        /** Every base look "a {colour} [{pattern}] {class}", votes summed per attribute. */
        JOINT,
        /** "a {colour} {class}" for class and colour, "a {pattern} object" for the pattern. */
        COLOUR_CLASS,
        /** One question per attribute: "a photo of a {class}", "a {colour} object", "a {pattern} object". */
        SEPARATE
    }

    /** A prompt, its softmax group, and the attribute values it speaks for (-1: none). */
    private record Prompt(String text, int group, int cls, int colour, int pattern) {
    }

    /** What the classifier sees in one image. */
    public record Prediction(ObjectClass objectClass, Colour colour, Pattern pattern) {
    }

    private static final List<ObjectClass> CLASSES = List.of(ObjectClass.values());
    private static final List<Colour> COLOURS = Colour.base();
    private static final List<Pattern> PATTERNS = Pattern.base();

    private final Function<List<RgbImage>, float[][]> images;
    private final Prompting prompting;
    private final float logitScale;
    private final AutoCloseable owner;
    private final List<Prompt> prompts;
    private final float[][] promptEmbeds;

    private ZeroShotClassifier(Function<List<RgbImage>, float[][]> images, Function<List<String>, float[][]> texts,
                               float logitScale, Prompting prompting, AutoCloseable owner) {
        this.images = images;
        this.prompting = prompting;
        this.logitScale = logitScale;
        this.owner = owner;
        this.prompts = prompts(prompting);
        this.promptEmbeds = normalize(texts.apply(prompts.stream().map(Prompt::text).toList()));
    }

    /** Loads a world CLIP folder (weights, processor, tokenizer files). */
    public static ZeroShotClassifier load(Path clipFolder, Prompting prompting) throws IOException {
        ClipEmbedder e = ClipEmbedder.load(clipFolder, 64, false);
        try {
            return new ZeroShotClassifier(e::embed, e::embedTexts, logitScale(e.model()), prompting, e);
        } catch (RuntimeException ex) {
            e.close();
            throw ex;
        }
    }

    /** A classifier over a model in training (not closed by {@link #close}). */
    public static ZeroShotClassifier of(ClipModel model, ImageProcessor processor, ClipTokenizer tokenizer,
                                        Prompting prompting) {
        Function<List<String>, float[][]> texts = prompts -> {
            try (NDManager m = NDManager.newBaseManager()) {
                return rows(model.textEmbeds(tokenizer.encodeBatch(prompts, m)));
            }
        };
        Function<List<RgbImage>, float[][]> imgs = list -> {
            int h = processor.outputHeight();
            int w = processor.outputWidth();
            int per = 3 * h * w;
            List<float[]> out = new ArrayList<>();
            for (int start = 0; start < list.size(); start += 64) {
                int n = Math.min(64, list.size() - start);
                float[] px = new float[n * per];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(processor.pixelValues(list.get(start + i)), 0, px, i * per, per);
                }
                try (NDManager m = NDManager.newBaseManager()) {
                    out.addAll(Arrays.asList(rows(model.imageEmbeds(m.create(px, new Shape(n, 3, h, w))))));
                }
            }
            return out.toArray(float[][]::new);
        };
        return new ZeroShotClassifier(imgs, texts, logitScale(model), prompting, null);
    }

    /** The prompts of a prompting scheme. */
    private static List<Prompt> prompts(Prompting prompting) {
        List<Prompt> out = new ArrayList<>();
        switch (prompting) {
            case JOINT -> {
                for (int c = 0; c < CLASSES.size(); c++) {
                    for (int k = 0; k < COLOURS.size(); k++) {
                        for (int p = 0; p < PATTERNS.size(); p++) {
                            String adj = PATTERNS.get(p).adjective();
                            out.add(new Prompt("a " + COLOURS.get(k).word() + (adj == null ? "" : " " + adj) + " "
                                    + CLASSES.get(c).noun(), 0, c, k, p));
                        }
                    }
                }
            }
            case COLOUR_CLASS -> {
                for (int c = 0; c < CLASSES.size(); c++) {
                    for (int k = 0; k < COLOURS.size(); k++) {
                        out.add(new Prompt("a " + COLOURS.get(k).word() + " " + CLASSES.get(c).noun(), 0, c, k, -1));
                    }
                }
                addPatternPrompts(out, 1);
            }
            case SEPARATE -> {
                for (int c = 0; c < CLASSES.size(); c++) {
                    out.add(new Prompt("a photo of a " + CLASSES.get(c).noun(), 0, c, -1, -1));
                }
                for (int k = 0; k < COLOURS.size(); k++) {
                    out.add(new Prompt("a " + COLOURS.get(k).word() + " object", 1, -1, k, -1));
                }
                addPatternPrompts(out, 2);
            }
            default -> throw new IllegalArgumentException("unknown prompting " + prompting);
        }
        return out;
    }

    private static void addPatternPrompts(List<Prompt> out, int group) {
        for (int p = 0; p < PATTERNS.size(); p++) {
            String adj = PATTERNS.get(p).adjective();
            out.add(new Prompt("a " + (adj == null ? "plain" : adj) + " object", group, -1, -1, p));
        }
    }

    /** One prediction per image. Images must be in the model's input size or are resized by its processor. */
    public List<Prediction> predict(List<RgbImage> input) {
        float[][] emb = normalize(images.apply(input));
        List<Prediction> out = new ArrayList<>(emb.length);
        for (float[] e : emb) {
            float[] sim = new float[promptEmbeds.length];
            for (int j = 0; j < sim.length; j++) {
                sim[j] = dot(e, promptEmbeds[j]);
            }
            out.add(vote(sim));
        }
        return out;
    }

    /** Converts a world image (same pixel layout) for {@link #predict}. */
    public static RgbImage toMetricsImage(dev.likeness.world.image.RgbImage image) {
        return new RgbImage(image.width(), image.height(), image.rgb());
    }

    // softmax at the model's logit scale within each prompt group, probabilities summed per attribute value
    private Prediction vote(float[] sim) {
        Map<Integer, Double> groupMax = new HashMap<>();
        for (int j = 0; j < sim.length; j++) {
            groupMax.merge(prompts.get(j).group(), (double) sim[j], Math::max);
        }
        double[] byClass = new double[CLASSES.size()];
        double[] byColour = new double[COLOURS.size()];
        double[] byPattern = new double[PATTERNS.size()];
        for (int j = 0; j < sim.length; j++) {
            Prompt p = prompts.get(j);
            double w = Math.exp(logitScale * (sim[j] - groupMax.get(p.group())));
            if (p.cls() >= 0) {
                byClass[p.cls()] += w;
            }
            if (p.colour() >= 0) {
                byColour[p.colour()] += w;
            }
            if (p.pattern() >= 0) {
                byPattern[p.pattern()] += w;
            }
        }
        return new Prediction(CLASSES.get(argMax(byClass)), COLOURS.get(argMax(byColour)),
                PATTERNS.get(argMax(byPattern)));
    }

    private static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static float[][] normalize(float[][] rows) {
        for (float[] r : rows) {
            float n = (float) Math.sqrt(dot(r, r));
            for (int i = 0; i < r.length; i++) {
                r[i] /= Math.max(n, 1e-12f);
            }
        }
        return rows;
    }

    private static float[][] rows(NDArray a) {
        int n = (int) a.getShape().get(0);
        int d = (int) a.getShape().get(1);
        float[] f = a.toFloatArray();
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(f, i * d, (i + 1) * d);
        }
        return out;
    }

    private static float logitScale(ClipModel model) {
        float s = (float) Math.exp(model.namedParameters().get("logit_scale").array().getFloat());
        return Math.min(s, 100f);
    }

    @Override
    public void close() {
        if (owner != null) {
            try {
                owner.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the CLIP model failed", e);
            }
        }
    }
}
