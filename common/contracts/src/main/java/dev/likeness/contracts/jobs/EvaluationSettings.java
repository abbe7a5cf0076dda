package dev.likeness.contracts.jobs;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * How the {@code evaluate} stage measures a trained model.
 *
 * @param protocol       {@code custom} uses {@link #prompts}; the DreamBooth protocols use the
 *                       benchmark's 25 prompts for objects or live subjects
 * @param prompts        custom prompts; may contain {@code {identifier}} and {@code {classNoun}}
 * @param imagesPerPrompt images rendered per prompt
 * @param seeds          one seed per image of a prompt ({@code imagesPerPrompt} of them)
 * @param sampler        how evaluation images are sampled
 */
@JsonPropertyOrder({"protocol", "prompts", "imagesPerPrompt", "seeds", "sampler"})
public record EvaluationSettings(
        EvaluationProtocol protocol,
        List<String> prompts,
        Integer imagesPerPrompt,
        List<Long> seeds,
        SamplerSettings sampler) {
}
