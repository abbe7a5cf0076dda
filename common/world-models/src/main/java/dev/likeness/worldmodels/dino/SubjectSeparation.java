package dev.likeness.worldmodels.dino;

import dev.likeness.metrics.encoder.ImageEmbedder;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.world.dataset.WorldDataset;
import dev.likeness.world.dataset.WorldSample;
import dev.likeness.world.scene.ObjectClass;
import dev.likeness.world.subject.Subject;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quality bar of the world DINO encoder: does it tell "same subject instance" from "same class, other look"?
 * Per subject: the mean cosine between its photos (all pairs) against the mean cosine between its photos and
 * {@code basePerClass} base images of its class; and nearest-neighbour retrieval of each subject photo in a gallery
 * of the other subjects' photos, its own other photos and the base images of every subject's class.
 */
public final class SubjectSeparation {

    /** Scores of one subject. */
    public record SubjectScore(Subject subject, double intra, double toBase, double toOtherSubjects, int hits,
                               int queries) {
        public double margin() {
            return intra - toBase;
        }
    }

    /** All subjects' scores. */
    public record Report(List<SubjectScore> subjects) {
        public double retrievalAccuracy() {
            int hits = 0;
            int queries = 0;
            for (SubjectScore s : subjects) {
                hits += s.hits();
                queries += s.queries();
            }
            return (double) hits / queries;
        }

        public double minMargin() {
            return subjects.stream().mapToDouble(SubjectScore::margin).min().orElse(Double.NaN);
        }

        /** A Markdown table (one row per subject). */
        public String table() {
            StringBuilder sb = new StringBuilder(
                    "| subject | photos↔photos | photos↔base class | margin | photos↔other subjects | NN hits |\n"
                            + "|---|---|---|---|---|---|\n");
            for (SubjectScore s : subjects) {
                sb.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %d/%d |%n",
                        s.subject().id(), s.intra(), s.toBase(), s.margin(), s.toOtherSubjects(), s.hits(),
                        s.queries()));
            }
            return sb.toString();
        }
    }

    private SubjectSeparation() {
    }

    /**
     * The first {@code perClass} images of {@code dataset} whose main object is of each given class, at the
     * dataset's size.
     */
    public static Map<ObjectClass, List<RgbImage>> baseImages(WorldDataset dataset, List<ObjectClass> classes,
                                                              int perClass) {
        Map<ObjectClass, List<RgbImage>> out = new EnumMap<>(ObjectClass.class);
        classes.forEach(c -> out.put(c, new ArrayList<>()));
        int missing = classes.size();
        for (long i = 0; missing > 0; i++) {
            ObjectClass c = dataset.scene(i).attributes().primary().objectClass();
            List<RgbImage> list = out.get(c);
            if (list != null && list.size() < perClass) {
                WorldSample s = dataset.sample(i);
                list.add(convert(s.image()));
                if (list.size() == perClass) {
                    missing--;
                }
            }
        }
        return out;
    }

    /** The world's image type to the evaluator's. */
    public static RgbImage convert(dev.likeness.world.image.RgbImage image) {
        return new RgbImage(image.width(), image.height(), image.rgb());
    }

    /**
     * @param photos per subject, its photos (any size the embedder's processor accepts)
     * @param base   per class, base images; must hold every subject's class
     */
    public static Report measure(ImageEmbedder embedder, Map<Subject, List<RgbImage>> photos,
                                 Map<ObjectClass, List<RgbImage>> base) {
        Map<Subject, float[][]> subjectEmb = new LinkedHashMap<>();
        photos.forEach((s, list) -> subjectEmb.put(s, normalised(embedder.embed(list))));
        Map<ObjectClass, float[][]> baseEmb = new EnumMap<>(ObjectClass.class);
        for (Subject s : photos.keySet()) {
            ObjectClass c = s.objectClass();
            if (!base.containsKey(c)) {
                throw new IllegalArgumentException("no base images of class " + c + " for subject " + s.id());
            }
            baseEmb.computeIfAbsent(c, k -> normalised(embedder.embed(base.get(k))));
        }
        List<SubjectScore> scores = new ArrayList<>();
        for (Map.Entry<Subject, float[][]> e : subjectEmb.entrySet()) {
            float[][] own = e.getValue();
            double intra = 0;
            int pairs = 0;
            for (int i = 0; i < own.length; i++) {
                for (int j = i + 1; j < own.length; j++) {
                    intra += dot(own[i], own[j]);
                    pairs++;
                }
            }
            double toBase = meanCross(own, baseEmb.get(e.getKey().objectClass()));
            double toOthers = 0;
            int others = 0;
            for (Map.Entry<Subject, float[][]> o : subjectEmb.entrySet()) {
                if (o.getKey() != e.getKey()) {
                    toOthers += meanCross(own, o.getValue());
                    others++;
                }
            }
            int hits = 0;
            for (int q = 0; q < own.length; q++) {
                double bestOwn = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < own.length; j++) {
                    if (j != q) {
                        bestOwn = Math.max(bestOwn, dot(own[q], own[j]));
                    }
                }
                double bestOther = Double.NEGATIVE_INFINITY;
                for (Map.Entry<Subject, float[][]> o : subjectEmb.entrySet()) {
                    if (o.getKey() != e.getKey()) {
                        bestOther = Math.max(bestOther, best(own[q], o.getValue()));
                    }
                }
                for (float[][] b : baseEmb.values()) {
                    bestOther = Math.max(bestOther, best(own[q], b));
                }
                hits += bestOwn > bestOther ? 1 : 0;
            }
            scores.add(new SubjectScore(e.getKey(), intra / Math.max(1, pairs), toBase,
                    others == 0 ? Double.NaN : toOthers / others, hits, own.length));
        }
        return new Report(scores);
    }

    private static double meanCross(float[][] a, float[][] b) {
        double sum = 0;
        for (float[] x : a) {
            for (float[] y : b) {
                sum += dot(x, y);
            }
        }
        return sum / ((double) a.length * b.length);
    }

    private static double best(float[] q, float[][] gallery) {
        double best = Double.NEGATIVE_INFINITY;
        for (float[] g : gallery) {
            best = Math.max(best, dot(q, g));
        }
        return best;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static float[][] normalised(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            double n = 0;
            for (float v : rows[r]) {
                n += (double) v * v;
            }
            double inv = 1 / Math.max(Math.sqrt(n), 1e-12);
            out[r] = new float[rows[r].length];
            for (int i = 0; i < out[r].length; i++) {
                out[r][i] = (float) (rows[r][i] * inv);
            }
        }
        return out;
    }
}
