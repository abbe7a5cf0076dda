package dev.likeness.metrics.report;

import dev.likeness.metrics.encoder.EncoderInfo;
import dev.likeness.metrics.metric.EvaluationResult;
import dev.likeness.metrics.protocol.EvaluationProtocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything an evaluation produced: the metric values with counts, how they were measured and what with, and the
 * training loss curve.
 *
 * @param encodersUntrained at least one encoder has random weights: the numbers are parity checks, not quality
 * @param timingsSeconds    named durations (e.g. {@code embed}, {@code total})
 */
public record EvaluationReport(String jobId, Instant createdAt, EvaluationProtocol protocol, List<EncoderInfo> encoders,
                               boolean encodersUntrained, EvaluationResult result, List<LossPoint> lossCurve,
                               Map<String, Double> timingsSeconds) {

    public EvaluationReport {
        encoders = List.copyOf(encoders);
        lossCurve = lossCurve == null ? List.of() : List.copyOf(lossCurve);
        timingsSeconds = timingsSeconds == null ? Map.of() : Map.copyOf(timingsSeconds);
    }

    /** Builds a report whose {@code encodersUntrained} flag is derived from the encoders. */
    public static EvaluationReport of(String jobId, EvaluationProtocol protocol, List<EncoderInfo> encoders,
                                      EvaluationResult result, List<LossPoint> lossCurve,
                                      Map<String, Double> timingsSeconds) {
        boolean untrained = encoders.stream().anyMatch(EncoderInfo::untrained);
        return new EvaluationReport(jobId, Instant.now(), protocol, encoders, untrained, result, lossCurve,
                timingsSeconds);
    }
}
