package dev.likeness.metrics.metric;

/** Cosine similarities between embedding rows, accumulated in double. */
public final class Similarity {

    private Similarity() {
    }

    /** {@code a·b / (‖a‖₂ ‖b‖₂)}; no logit scale, no clipping, no ×100. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embeddings differ in width: " + a.length + " vs " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        if (na == 0 || nb == 0) {
            throw new IllegalArgumentException("cosine of a zero vector is undefined");
        }
        return dot / (Math.sqrt(na) * Math.sqrt(nb));
    }

    /** The {@code [rows(a), rows(b)]} cosine matrix. */
    public static double[][] matrix(float[][] a, float[][] b) {
        double[][] m = new double[a.length][b.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                m[i][j] = cosine(a[i], b[j]);
            }
        }
        return m;
    }

    /** For each row of {@code a}: the mean cosine to all rows of {@code b}. */
    public static double[] meanToSet(float[][] a, float[][] b) {
        if (b.length == 0) {
            throw new IllegalArgumentException("reference set is empty");
        }
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double s = 0;
            for (float[] r : b) {
                s += cosine(a[i], r);
            }
            out[i] = s / b.length;
        }
        return out;
    }

    /** The mean cosine over all pairs (row of a, row of b). */
    public static double meanOverPairs(float[][] a, float[][] b) {
        return Summary.of(meanToSet(a, b)).mean();
    }

    /** {@code 1 − cos} for every unordered pair {@code i < j} of rows. */
    public static double[] pairwiseDistances(float[][] rows) {
        int n = rows.length;
        double[] out = new double[n * (n - 1) / 2];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                out[k++] = 1.0 - cosine(rows[i], rows[j]);
            }
        }
        return out;
    }
}
