package dev.likeness.cli.demo;

import dev.likeness.metrics.encoder.ClipEmbedder;
import dev.likeness.metrics.encoder.ImageEmbedder;
import dev.likeness.metrics.metric.DreamBoothEvaluator;
import dev.likeness.metrics.metric.EvaluationResult;
import dev.likeness.metrics.metric.GeneratedImage;
import dev.likeness.metrics.metric.Metric;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.metrics.protocol.EvaluationProtocol.EvalPrompt;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The metric table of the main job: the base model's numbers next to the personalized model's. The trained row is
 * what the evaluator service reported; the base row is measured here with the same encoders, prompts and seeds on
 * the base model's renders of the class-only prompts ("a vase on snow, …"), so the two rows differ only by the
 * training.
 *
 * @param base    metric means of the base model
 * @param trained metric means of the personalized model (the job's report)
 */
public record MetricComparison(Map<Metric, Double> base, Map<Metric, Double> trained) {

    public MetricComparison {
        base = Map.copyOf(base);
        trained = Map.copyOf(trained);
    }

    /**
     * Measures the base row.
     *
     * @param prompts     the job's evaluation prompts
     * @param real        the subject photos
     * @param generated   per prompt (in {@code prompts} order): the base model's images of the class prompt, one per
     *                    seed
     * @param seeds       the seeds, in the order of each row of {@code generated}
     * @param classImages the base model's images of the job's class prompt (for PRES)
     */
    public static Map<Metric, Double> measure(ImageEmbedder dino, ClipEmbedder clip, List<ReportFolder.Prompt> prompts,
                                              List<RgbImage> real, List<List<RgbImage>> generated, List<Long> seeds,
                                              List<RgbImage> classImages) {
        if (generated.size() != prompts.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + generated.size() + " image rows");
        }
        List<EvalPrompt> evalPrompts = new ArrayList<>();
        List<GeneratedImage> images = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            ReportFolder.Prompt p = prompts.get(i);
            evalPrompts.add(new EvalPrompt(i, p.prompt(), p.prompt(), p.classPrompt(), seeds));
            List<RgbImage> row = generated.get(i);
            if (row.size() != seeds.size()) {
                throw new IllegalArgumentException("prompt " + i + " has " + row.size() + " images for "
                        + seeds.size() + " seeds");
            }
            for (int s = 0; s < row.size(); s++) {
                images.add(new GeneratedImage(i, seeds.get(s), row.get(s)));
            }
        }
        EvaluationResult result = new DreamBoothEvaluator(dino, clip, null).evaluate(evalPrompts, real, images,
                classImages);
        Map<Metric, Double> means = new EnumMap<>(Metric.class);
        result.overall().forEach((metric, summary) -> {
            if (summary.count() > 0) {
                means.put(metric, summary.mean());
            }
        });
        return means;
    }

    /** A Markdown table: metric, base, trained, change; arrows say which direction is better. */
    public String markdown(String trainedLabel) {
        StringBuilder sb = new StringBuilder();
        sb.append("| metric | base model | ").append(trainedLabel).append(" | change |\n");
        sb.append("|---|---|---|---|\n");
        for (Metric m : Metric.values()) {
            Double b = base.get(m);
            Double t = trained.get(m);
            if (b == null && t == null) {
                continue;
            }
            sb.append("| ").append(m.label()).append(m.higherIsBetter() ? " ↑" : " ↓").append(" | ")
                    .append(format(b)).append(" | ").append(format(t)).append(" | ")
                    .append(b == null || t == null ? "" : String.format(Locale.ROOT, "%+.3f", t - b)).append(" |\n");
        }
        return sb.toString();
    }

    private static String format(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }
}
