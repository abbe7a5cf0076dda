package dev.likeness.metrics.report;

/** One training-loss sample for the report's loss curve. */
public record LossPoint(long step, double loss) {
}
