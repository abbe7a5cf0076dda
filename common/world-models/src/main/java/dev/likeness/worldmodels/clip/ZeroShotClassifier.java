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
import java.util.List;
import java.util.function.Function;

/**
 * Names the class, colour and pattern of the main object in world images by CLIP similarity to text prompts, with no
 * training of its own: the judge of the base model's quality bar ("does a render of 'a red ball …' show a red
 * ball?").
 *
 * <p>{@link Prompting#JOINT} (the default, chosen by measured accuracy: see the bundle's TRAINING.md) scores every
 * base look "a {colour} [{pattern}] {class}" (8 × 11 × 4 prompts), turns the scores into probabilities with the
 * model's own logit scale and sums them per class, colour and pattern. {@link Prompting#SEPARATE} asks one question
 * per attribute ("a photo of a {class}", "a {colour} object", "a {pattern} object").
 */
public final class ZeroShotClassifier implements AutoCloseable {

    /** How prompts are formed. */
    public enum Prompting { JOINT, SEPARATE }

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
    // JOINT: one row per (class, colour, pattern), class-major; SEPARATE: classes, then colours, then patterns
    private final float[][] promptEmbeds;

    private ZeroShotClassifier(Function<List<RgbImage>, float[][]> images, Function<List<String>, float[][]> texts,
                               float logitScale, Prompting prompting, AutoCloseable owner) {
        this.images = images;
        this.prompting = prompting;
        this.logitScale = logitScale;
        this.owner = owner;
        this.promptEmbeds = normalize(texts.apply(prompts(prompting)));
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

    /** The prompts of a prompting scheme, in the order {@link #predict} expects their embeddings. */
    static List<String> prompts(Prompting prompting) {
        List<String> out = new ArrayList<>();
        if (prompting == Prompting.JOINT) {
            for (ObjectClass c : CLASSES) {
                for (Colour k : COLOURS) {
                    for (Pattern p : PATTERNS) {
                        out.add("a " + k.word() + (p.adjective() == null ? "" : " " + p.adjective()) + " "
                                + c.noun());
                    }
                }
            }
        } else {
            CLASSES.forEach(c -> out.add("a photo of a " + c.noun()));
            COLOURS.forEach(k -> out.add("a " + k.word() + " object"));
            PATTERNS.forEach(p -> out.add("a " + (p.adjective() == null ? "plain" : p.adjective()) + " object"));
        }
        return out;
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
            out.add(prompting == Prompting.JOINT ? joint(sim) : separate(sim));
        }
        return out;
    }

    /** Converts a world image (same pixel layout) for {@link #predict}. */
    public static RgbImage toMetricsImage(dev.likeness.world.image.RgbImage image) {
        return new RgbImage(image.width(), image.height(), image.rgb());
    }

    private Prediction joint(float[] sim) {
        double max = Double.NEGATIVE_INFINITY;
        for (float s : sim) {
            max = Math.max(max, s);
        }
        double[] byClass = new double[CLASSES.size()];
        double[] byColour = new double[COLOURS.size()];
        double[] byPattern = new double[PATTERNS.size()];
        int j = 0;
        for (int c = 0; c < byClass.length; c++) {
            for (int k = 0; k < byColour.length; k++) {
                for (int p = 0; p < byPattern.length; p++) {
                    double w = Math.exp(logitScale * (sim[j++] - max));
                    byClass[c] += w;
                    byColour[k] += w;
                    byPattern[p] += w;
                }
            }
        }
        return new Prediction(CLASSES.get(argMax(byClass)), COLOURS.get(argMax(byColour)),
                PATTERNS.get(argMax(byPattern)));
    }

    private Prediction separate(float[] sim) {
        int nc = CLASSES.size();
        int nk = COLOURS.size();
        return new Prediction(CLASSES.get(argMax(sim, 0, nc)), COLOURS.get(argMax(sim, nc, nc + nk)),
                PATTERNS.get(argMax(sim, nc + nk, sim.length)));
    }

    private static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }

    private static int argMax(float[] v, int from, int to) {
        int best = from;
        for (int i = from + 1; i < to; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best - from;
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
