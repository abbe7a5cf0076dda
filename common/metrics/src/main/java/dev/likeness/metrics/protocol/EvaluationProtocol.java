package dev.likeness.metrics.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * What to generate for one subject: each template filled with the identifier and class noun, {@code imagesPerPrompt}
 * images per prompt with fixed seeds {@code baseSeed + k} (the same seeds for every prompt, so methods and checkpoints
 * are compared on the same noise).
 *
 * @param templates the prompt templates; {@link PromptTemplates#forKind} by default
 */
public record EvaluationProtocol(String identifier, String classNoun, SubjectKind kind, int imagesPerPrompt,
                                 long baseSeed, List<String> templates) {

    /** One prompt of the protocol. */
    public record EvalPrompt(int index, String template, String prompt, String classPrompt, List<Long> seeds) {
    }

    public EvaluationProtocol {
        if (identifier == null || identifier.isBlank()) {
            throw new IllegalArgumentException("identifier must not be blank");
        }
        if (classNoun == null || classNoun.isBlank()) {
            throw new IllegalArgumentException("class noun must not be blank");
        }
        if (imagesPerPrompt <= 0) {
            throw new IllegalArgumentException("imagesPerPrompt must be positive, got " + imagesPerPrompt);
        }
        templates = List.copyOf(templates == null || templates.isEmpty() ? PromptTemplates.forKind(kind) : templates);
    }

    /** The paper's protocol: the 25 templates of the kind, 4 images per prompt, seeds from 0. */
    public static EvaluationProtocol dreambooth(String identifier, String classNoun, SubjectKind kind) {
        return new EvaluationProtocol(identifier, classNoun, kind, 4, 0L, null);
    }

    public List<EvalPrompt> prompts() {
        List<Long> seeds = new ArrayList<>();
        for (int k = 0; k < imagesPerPrompt; k++) {
            seeds.add(baseSeed + k);
        }
        List<EvalPrompt> out = new ArrayList<>();
        for (int i = 0; i < templates.size(); i++) {
            String t = templates.get(i);
            out.add(new EvalPrompt(i, t, PromptTemplates.fill(t, identifier, classNoun),
                    PromptTemplates.fill(t, "", classNoun), List.copyOf(seeds)));
        }
        return out;
    }

    public int totalImages() {
        return templates.size() * imagesPerPrompt;
    }
}
