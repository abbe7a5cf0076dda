package dev.likeness.metrics.metric;

/**
 * Mean, sample standard deviation (n − 1; 0 for a single value) and count of a set of scores.
 */
public record Summary(double mean, double std, int count) {

    public static Summary of(double[] values) {
        if (values.length == 0) {
            return new Summary(Double.NaN, Double.NaN, 0);
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / values.length;
        double sq = 0;
        for (double v : values) {
            sq += (v - mean) * (v - mean);
        }
        double std = values.length > 1 ? Math.sqrt(sq / (values.length - 1)) : 0.0;
        return new Summary(mean, std, values.length);
    }

    public boolean isEmpty() {
        return count == 0;
    }
}
