package dev.likeness.metrics.metric;

import java.util.List;
import java.util.Map;

/**
 * All metric values of one evaluation.
 *
 * @param overall         every metric over all images (DINO, CLIP-I, CLIP-T per generated image; DIV per
 *                        same-prompt pair; PRES per class image)
 * @param perPrompt       the same per prompt (PRES is not per prompt)
 * @param diversityMethod how DIV was measured
 */
public record EvaluationResult(Map<Metric, Summary> overall, List<PromptScores> perPrompt, String diversityMethod,
                               int realImages, int generatedImages, int classImages) {
}
