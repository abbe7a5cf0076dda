package dev.likeness.metrics.metric;

import java.util.Map;

/** Scores of the images generated from one prompt (mean, std, count per metric). */
public record PromptScores(int promptIndex, String prompt, String classPrompt, Map<Metric, Summary> metrics) {
}
